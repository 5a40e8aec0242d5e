import { useMutation, useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/api.ts';
import { authApi, authKeys } from './auth-api.ts';
import { LoginPage } from './LoginPage.tsx';
import { useLogout, useWorkspaceSwitched } from './useSession.ts';

/**
 * Signed out — or still signed in but removed from the workspace the session acted in: then the user picks another
 * of their workspaces (or logs out) instead of signing in again.
 */
export function LoginOrChooseWorkspace() {
  const workspaces = useQuery({ queryKey: authKeys.orphanedSession, queryFn: authApi.workspacesOrNull });
  const switched = useWorkspaceSwitched();
  const switchTo = useMutation({ mutationFn: authApi.switchWorkspace, onSuccess: switched });
  const logout = useLogout();

  if (workspaces.isPending) return <p className="muted page">Loading…</p>;
  if (!workspaces.data) return <LoginPage />;
  const others = workspaces.data.filter((workspace) => !workspace.current);
  return (
    <div className="auth-page">
      <div className="card auth-card" data-testid="choose-workspace-page">
        <h1>Choose a workspace</h1>
        <p className="muted">
          You are no longer a member of the workspace you were working in.
          {others.length === 0 ? ' You have no other workspace: ask an admin for an invite.' : ''}
        </p>
        {others.map((workspace) => (
          <button
            key={workspace.id}
            type="button"
            className="button"
            data-testid="workspace-option"
            disabled={switchTo.isPending}
            onClick={() => switchTo.mutate(workspace.id)}
          >
            {workspace.name} <span className="muted">· {workspace.role}</span>
          </button>
        ))}
        {switchTo.error && <p className="field-error">{errorMessage(switchTo.error)}</p>}
        <button type="button" className="button" data-testid="choose-workspace-logout" onClick={() => logout.mutate()}>
          Log out
        </button>
      </div>
    </div>
  );
}
