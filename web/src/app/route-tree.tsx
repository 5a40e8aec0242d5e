import { createRootRoute, createRoute, Navigate } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { AlertsPage } from '../alerts/AlertsPage.tsx';
import { AcceptInvitePage } from '../auth/AcceptInvitePage.tsx';
import { AuditPage } from '../auth/AuditPage.tsx';
import { MembersPage } from '../auth/MembersPage.tsx';
import { TokensPage } from '../auth/TokensPage.tsx';
import { FailuresPage } from '../failures/FailuresPage.tsx';
import { FlowsPage } from '../flows/FlowsPage.tsx';
import { RateLimitsPage } from '../limits/RateLimitsPage.tsx';
import { healthScopeFromSearch, healthSearchFromScope, parseHealthSearch } from '../operations/health-search.ts';
import { usePrefetchHealth } from '../operations/operations-api.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { RunPage } from '../runs/RunPage.tsx';
import { RunsPage } from '../runs/RunsPage.tsx';
import type { RunsFilter } from '../runs/runs-filter.ts';
import { parseRunsSearch, runsFilterFromSearch, runsSearchFromFilter } from '../runs/runs-search.ts';
import { AppShell, useSignedInSession } from './AppShell.tsx';

/**
 * The app's URLs (code-based TanStack Router routes, docs/adr/023): each route turns its path params and typed search
 * into a page's props, so the pages know no router.  `routing/router.ts`'s `paths` builds the same URLs.
 */

// Loaded when first opened: the charts library stays out of the editor's bundle.  Opened directly (a bookmark, a
// reload), the route's loader starts its code while the session is checked.
const loadHealthPage = () => import('../operations/HealthPage.tsx');
const HealthPage = lazy(() => loadHealthPage().then((module) => ({ default: module.HealthPage })));

// Loaded when first opened, as the health page is: the main bundle stays under its size limit.
const ApprovalsPage = lazy(() =>
  import('../approvals/ApprovalsPage.tsx').then((module) => ({ default: module.ApprovalsPage })),
);

// The editor (React Flow, the inspector, the expression engine) is half the app's code: it loads when a flow is first
// opened, so the lists, runs and settings pages start without it.  Opened directly, it loads with the session.
const loadEditorPage = () => import('../editor/EditorPage.tsx');
const EditorPage = lazy(() => loadEditorPage().then((module) => ({ default: module.EditorPage })));

// The credential forms (the JSON-Schema form library, docs/adr/021) load when the page is first opened.
const CredentialsPage = lazy(() =>
  import('../credentials/CredentialsPage.tsx').then((module) => ({ default: module.CredentialsPage })),
);

const Loading = ({ what = 'Loading…' }: { what?: string }) => <p className="muted page">{what}</p>;

const AdminsOnly = () => (
  <div className="page">
    <h1>Admins only</h1>
    <p className="muted">Ask an admin of your workspace.</p>
  </div>
);

const NotFound = () => (
  <div className="page">
    <h1>Not found</h1>
    <Link to={paths.flows()}>Go to flows</Link>
  </div>
);

const rootRoute = createRootRoute({ component: AppShell, notFoundComponent: NotFound });

const flowsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: FlowsPage });

const editorRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/flows/$flowId',
  // Not awaited: the page shows "Loading the editor…" at once rather than the router holding the previous page.
  loader: () => void loadEditorPage(),
  component: function EditorRoute() {
    const { flowId } = editorRoute.useParams();
    return (
      <Suspense fallback={<Loading what="Loading the editor…" />}>
        <EditorPage key={flowId} flowId={flowId} />
      </Suspense>
    );
  },
});

const flowRunsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/flows/$flowId/runs',
  validateSearch: (raw: Record<string, unknown>) => parseRunsSearch(raw, { withFlow: false }),
  component: function FlowRunsRoute() {
    const { flowId } = flowRunsRoute.useParams();
    const navigate = flowRunsRoute.useNavigate();
    const onFilterChange = (filter: RunsFilter) =>
      void navigate({ search: runsSearchFromFilter(filter, { withFlow: false }) });
    const filter = runsFilterFromSearch(flowRunsRoute.useSearch(), flowId);
    return <RunsPage key={flowId} flowId={flowId} filter={filter} onFilterChange={onFilterChange} />;
  },
});

const flowAlertsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/flows/$flowId/alerts',
  component: function FlowAlertsRoute() {
    const { flowId } = flowAlertsRoute.useParams();
    return <AlertsPage key={flowId} flowId={flowId} canEdit={useSignedInSession().role !== 'viewer'} />;
  },
});

const runsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/runs',
  validateSearch: (raw: Record<string, unknown>) => parseRunsSearch(raw, { withFlow: true }),
  component: function RunsRoute() {
    const navigate = runsRoute.useNavigate();
    const onFilterChange = (filter: RunsFilter) =>
      void navigate({ search: runsSearchFromFilter(filter, { withFlow: true }) });
    return <RunsPage filter={runsFilterFromSearch(runsRoute.useSearch())} onFilterChange={onFilterChange} />;
  },
});

const runRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/runs/$runId',
  component: function RunRoute() {
    const { runId } = runRoute.useParams();
    return <RunPage key={runId} runId={runId} />;
  },
});

const failuresRoute = createRoute({ getParentRoute: () => rootRoute, path: '/failures', component: FailuresPage });

const approvalsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/approvals',
  component: () => (
    <Suspense fallback={<Loading />}>
      <ApprovalsPage />
    </Suspense>
  ),
});

const healthRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/health',
  validateSearch: parseHealthSearch,
  loader: () => void loadHealthPage(),
  component: function HealthRoute() {
    const scope = healthScopeFromSearch(healthRoute.useSearch());
    const navigate = healthRoute.useNavigate();
    // The first view is asked for beside the page's code, not after it (see usePrefetchHealth).
    usePrefetchHealth(scope);
    return (
      <Suspense fallback={<Loading />}>
        <HealthPage scope={scope} onScopeChange={(next) => void navigate({ search: healthSearchFromScope(next) })} />
      </Suspense>
    );
  },
});

const credentialsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/credentials',
  component: () => (
    <Suspense fallback={<Loading what="Loading credentials…" />}>
      <CredentialsPage />
    </Suspense>
  ),
});

// Signed out, the shell shows the login and sign-up forms in place of any page; these routes render signed in.
const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  component: () => <Navigate to="/" replace />,
});

const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signup',
  validateSearch: (raw: Record<string, unknown>): { invite?: string | undefined } =>
    typeof raw.invite === 'string' && raw.invite !== '' ? { invite: raw.invite } : { invite: undefined },
  component: function SignupRoute() {
    // An invite link opened while signed in: join with the account you have, not a new sign-up.
    const { invite } = signupRoute.useSearch();
    const email = useSignedInSession().user.email;
    return invite === undefined ? <Navigate to="/" replace /> : <AcceptInvitePage token={invite} email={email} />;
  },
});

const membersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/members',
  component: function MembersRoute() {
    const { role, user } = useSignedInSession();
    return role === 'admin' ? <MembersPage currentUserId={user.id} /> : <AdminsOnly />;
  },
});

const tokensRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/tokens',
  component: function TokensRoute() {
    return <TokensPage myRole={useSignedInSession().role} />;
  },
});

const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/audit',
  component: function AuditRoute() {
    return useSignedInSession().role === 'admin' ? <AuditPage /> : <AdminsOnly />;
  },
});

const rateLimitsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings/rate-limits',
  component: function RateLimitsRoute() {
    return <RateLimitsPage canEdit={useSignedInSession().role === 'admin'} />;
  },
});

export const routeTree = rootRoute.addChildren([
  flowsRoute,
  editorRoute,
  flowRunsRoute,
  flowAlertsRoute,
  runsRoute,
  runRoute,
  failuresRoute,
  approvalsRoute,
  healthRoute,
  credentialsRoute,
  loginRoute,
  signupRoute,
  membersRoute,
  tokensRoute,
  auditRoute,
  rateLimitsRoute,
]);
