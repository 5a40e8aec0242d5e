import { useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { AlertsPage } from '../alerts/AlertsPage.tsx';
import { errorMessage, setUnauthenticatedHandler } from '../api/api.ts';
import { ApprovalsBadge } from '../approvals/ApprovalsBadge.tsx';
import { AcceptInvitePage } from '../auth/AcceptInvitePage.tsx';
import { AuditPage } from '../auth/AuditPage.tsx';
import { authKeys } from '../auth/auth-api.ts';
import { LoginOrChooseWorkspace } from '../auth/LoginOrChooseWorkspace.tsx';
import { MembersPage } from '../auth/MembersPage.tsx';
import { SignupPage } from '../auth/SignupPage.tsx';
import { TokensPage } from '../auth/TokensPage.tsx';
import { useAuthStatus, useLogout, useMe } from '../auth/useSession.ts';
import { WorkspaceSwitcher } from '../auth/WorkspaceSwitcher.tsx';
import { CredentialsPage } from '../credentials/CredentialsPage.tsx';
import { FailuresPage } from '../failures/FailuresPage.tsx';
import { FlowsPage } from '../flows/FlowsPage.tsx';
import { RateLimitsPage } from '../limits/RateLimitsPage.tsx';
import { usePrefetchHealth } from '../operations/operations-api.ts';
import { Link } from '../routing/Link.tsx';
import { matchRoute, navigate, paths, useLocationPath } from '../routing/router.ts';
import { RunPage } from '../runs/RunPage.tsx';
import { RunsPage } from '../runs/RunsPage.tsx';

// Loaded when first opened: the charts library stays out of the editor's bundle.  Opened directly (a bookmark, a
// reload), its code loads while the session is checked.
const loadHealthPage = () => import('../operations/HealthPage.tsx');
const HealthPage = lazy(() => loadHealthPage().then((module) => ({ default: module.HealthPage })));
if (matchRoute(window.location.pathname).name === 'health') void loadHealthPage();

// Loaded when first opened, as the health page is: the main bundle stays under its size limit.
const ApprovalsPage = lazy(() =>
  import('../approvals/ApprovalsPage.tsx').then((module) => ({ default: module.ApprovalsPage })),
);

// The editor (React Flow, the inspector, the expression engine) is half the app's code: it loads when a flow is first
// opened, so the lists, runs and settings pages start without it.  Opened directly, it loads with the session.
const loadEditorPage = () => import('../editor/EditorPage.tsx');
const EditorPage = lazy(() => loadEditorPage().then((module) => ({ default: module.EditorPage })));
if (matchRoute(window.location.pathname).name === 'editor') void loadEditorPage();

/** The health page's first view, asked for beside its code (see usePrefetchHealth). */
function HealthRoute() {
  usePrefetchHealth();
  return (
    <Suspense fallback={<p className="muted page">Loading…</p>}>
      <HealthPage />
    </Suspense>
  );
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

const AdminsOnly = () => (
  <div className="page">
    <h1>Admins only</h1>
    <p className="muted">Ask an admin of your workspace.</p>
  </div>
);

/**
 * Signed out: the login page (or "Create your workspace" on first run, or the invite sign-up) in place of whatever
 * page was asked for, so it shows once signed in.  A 401 from any API call signs the app out.
 */
export function App() {
  const route = matchRoute(useLocationPath());
  const queryClient = useQueryClient();
  const me = useMe();
  const signedOut = me.data === null;
  const status = useAuthStatus(signedOut);
  const logout = useLogout();

  useEffect(() => setUnauthenticatedHandler(() => queryClient.setQueryData(authKeys.me, null)), [queryClient]);
  // An invite link opened while signed in: join with the account you have (AcceptInvitePage), not a new sign-up.
  const inviteToken = route.name === 'signup' ? new URLSearchParams(window.location.search).get('invite') : null;
  const onAuthPage = (route.name === 'login' || route.name === 'signup') && inviteToken === null;
  useEffect(() => {
    if (me.data && onAuthPage) navigate(paths.flows(), { replace: true });
  }, [me.data, onAuthPage]);

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
    return (
      <SignedOutShell>
        {firstRun || route.name === 'signup' ? <SignupPage /> : <LoginOrChooseWorkspace />}
      </SignedOutShell>
    );
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
        {(route.name === 'flows' || onAuthPage) && <FlowsPage />}
        {inviteToken !== null && <AcceptInvitePage token={inviteToken} email={user.email} />}
        {route.name === 'editor' && (
          <Suspense fallback={<p className="muted page">Loading the editor…</p>}>
            <EditorPage key={route.flowId} flowId={route.flowId} />
          </Suspense>
        )}
        {route.name === 'flowRuns' && <RunsPage key={route.flowId} flowId={route.flowId} />}
        {route.name === 'flowAlerts' && (
          <AlertsPage key={route.flowId} flowId={route.flowId} canEdit={role !== 'viewer'} />
        )}
        {route.name === 'run' && <RunPage key={route.runId} runId={route.runId} />}
        {route.name === 'runs' && <RunsPage />}
        {route.name === 'failures' && <FailuresPage />}
        {route.name === 'approvals' && (
          <Suspense fallback={<p className="muted page">Loading…</p>}>
            <ApprovalsPage />
          </Suspense>
        )}
        {route.name === 'health' && <HealthRoute />}
        {route.name === 'credentials' && <CredentialsPage />}
        {route.name === 'members' && (isAdmin ? <MembersPage currentUserId={user.id} /> : <AdminsOnly />)}
        {route.name === 'tokens' && <TokensPage myRole={role} />}
        {route.name === 'audit' && (isAdmin ? <AuditPage /> : <AdminsOnly />)}
        {route.name === 'rateLimits' && <RateLimitsPage canEdit={isAdmin} />}
        {route.name === 'notFound' && (
          <div className="page">
            <h1>Not found</h1>
            <Link to={paths.flows()}>Go to flows</Link>
          </div>
        )}
      </main>
    </div>
  );
}
