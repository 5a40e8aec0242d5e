import type { MeResponse } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { Outlet, useMatchRoute } from '@tanstack/react-router';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { errorMessage, setUnauthenticatedHandler } from '../api/api.ts';
import { ApprovalsBadge } from '../approvals/ApprovalsBadge.tsx';
import { authKeys } from '../auth/auth-api.ts';
import { LoginOrChooseWorkspace } from '../auth/LoginOrChooseWorkspace.tsx';
import { SignupPage } from '../auth/SignupPage.tsx';
import { useAuthStatus, useLogout, useMe } from '../auth/useSession.ts';
import { WorkspaceSwitcher } from '../auth/WorkspaceSwitcher.tsx';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';

const SessionContext = createContext<MeResponse | null>(null);

/** The signed-in session, for a page under the shell (which renders pages only when signed in). */
export function useSignedInSession(): MeResponse {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSignedInSession() outside the signed-in shell');
  return session;
}

function Brand() {
  return (
    <Link to={paths.flows()} className="brand">
      <span className="brand-mark">◆</span> Pipewright
    </Link>
  );
}

function SignedOutShell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <nav className="app-nav">
        <Brand />
      </nav>
      <main className="app-main">{children}</main>
    </div>
  );
}

/**
 * The root route: the sign-in gate and the nav around the matched page.  Signed out: the login page (or "Create your
 * workspace" on first run, or the invite sign-up) in place of whatever page was asked for, so it shows once signed
 * in.  A 401 from any API call signs the app out.
 */
export function AppShell() {
  const queryClient = useQueryClient();
  const me = useMe();
  const signedOut = me.data === null;
  const status = useAuthStatus(signedOut);
  const logout = useLogout();
  const onSignup = useMatchRoute()({ to: '/signup' }) !== false;

  useEffect(() => setUnauthenticatedHandler(() => queryClient.setQueryData(authKeys.me, null)), [queryClient]);

  if (me.error) {
    return (
      <SignedOutShell>
        <p className="field-error page">{errorMessage(me.error)}</p>
      </SignedOutShell>
    );
  }
  if (me.isPending || (signedOut && status.isPending)) {
    return (
      <SignedOutShell>
        <p className="muted page">Loading…</p>
      </SignedOutShell>
    );
  }
  if (!me.data) {
    const firstRun = status.data?.hasUsers === false;
    return <SignedOutShell>{firstRun || onSignup ? <SignupPage /> : <LoginOrChooseWorkspace />}</SignedOutShell>;
  }

  const { user, workspace, role } = me.data;
  const isAdmin = role === 'admin';
  return (
    <div className="app">
      <nav className="app-nav">
        <Brand />
        <Link to={paths.runs()} className="nav-link" testId="nav-runs">
          Runs
        </Link>
        <Link to={paths.failures()} className="nav-link" testId="nav-failures">
          Failures
        </Link>
        <Link to={paths.approvals()} className="nav-link" testId="nav-approvals">
          Approvals
          <ApprovalsBadge />
        </Link>
        <Link to={paths.health()} className="nav-link" testId="nav-health">
          Health
        </Link>
        <Link to={paths.credentials()} className="nav-link" testId="nav-credentials">
          Credentials
        </Link>
        {isAdmin && (
          <Link to={paths.members()} className="nav-link" testId="nav-members">
            Members
          </Link>
        )}
        <Link to={paths.tokens()} className="nav-link" testId="nav-tokens">
          API tokens
        </Link>
        <Link to={paths.rateLimits()} className="nav-link" testId="nav-rate-limits">
          Rate limits
        </Link>
        {isAdmin && (
          <Link to={paths.audit()} className="nav-link" testId="nav-audit">
            Audit log
          </Link>
        )}
        <span className="spacer" />
        <WorkspaceSwitcher current={workspace} />
        <span className="nav-user" data-testid="current-user">
          {user.email} · {workspace.name} · {role}
        </span>
        <button
          type="button"
          className="button nav-button"
          data-testid="logout-button"
          disabled={logout.isPending}
          onClick={() => logout.mutate()}
        >
          Log out
        </button>
      </nav>
      <main className="app-main">
        <SessionContext.Provider value={me.data}>
          <Outlet />
        </SessionContext.Provider>
      </main>
    </div>
  );
}
