import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/api.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { authApi } from './auth-api.ts';
import { useWorkspaceSwitched } from './useSession.ts';

/** An invite link opened while signed in: join that workspace with the account you have, then act in it. */
export function AcceptInvitePage({ token, email }: { token: string; email: string }) {
  const switched = useWorkspaceSwitched();
  const accept = useMutation({
    mutationFn: async () => authApi.switchWorkspace((await authApi.acceptInvite({ token })).id),
    onSuccess: switched,
  });
  return (
    <div className="auth-page">
      <div className="card auth-card" data-testid="accept-invite-page">
        <h1>Join a workspace</h1>
        <p className="muted">
          You are signed in as {email}. Accept the invite to join its workspace with this account: no new password.
        </p>
        <button
          type="button"
          className="button primary"
          data-testid="accept-invite-link"
          disabled={accept.isPending}
          onClick={() => accept.mutate()}
        >
          {accept.isPending ? 'Joining…' : 'Accept invite'}
        </button>
        {accept.error && <p className="field-error">{errorMessage(accept.error)}</p>}
        <Link to={paths.flows()}>Not now</Link>
      </div>
    </div>
  );
}
