import type { MeResponse } from '@pipewright/api-contract';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { navigate } from '../routing/router.ts';
import { authApi, authKeys } from './auth-api.ts';

/** The signed-in user (null when signed out). */
export const useMe = () => useQuery({ queryKey: authKeys.me, queryFn: authApi.me, staleTime: 60_000 });

export const useAuthStatus = (enabled: boolean) =>
  useQuery({ queryKey: authKeys.status, queryFn: authApi.status, enabled });

/** After sign-in/up: everything cached belonged to nobody (or someone else), so start clean. */
export function useSignedIn(): (me: MeResponse) => void {
  const queryClient = useQueryClient();
  return (me) => {
    forgetOtherData(queryClient);
    queryClient.setQueryData(authKeys.me, me);
    const { pathname } = window.location;
    if (pathname === '/login' || pathname === '/signup') navigate('/', { replace: true });
  };
}

/**
 * After switching workspace: the session acts elsewhere now, so every cached answer (flows, runs, members…) belonged
 * to the other workspace.  Go to the flows list (a page of the old workspace would be a 404) and refetch.
 */
export function useWorkspaceSwitched(): (me: MeResponse) => void {
  const queryClient = useQueryClient();
  return (me) => {
    queryClient.setQueryData(authKeys.me, me);
    navigate('/');
    void queryClient.resetQueries({
      predicate: (query) => !(query.queryKey[0] === authKeys.me[0] && query.queryKey[1] === authKeys.me[1]),
    });
  };
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: authApi.logOut,
    onSettled: () => {
      queryClient.setQueryData(authKeys.me, null);
      forgetOtherData(queryClient);
      navigate('/login');
    },
  });
}

/** Drops every cached answer except the session's own (its observers must keep their query). */
function forgetOtherData(queryClient: QueryClient): void {
  queryClient.removeQueries({
    predicate: (query) => !(query.queryKey[0] === authKeys.me[0] && query.queryKey[1] === authKeys.me[1]),
  });
}
