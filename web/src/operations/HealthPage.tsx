import type { FlowHealth, HealthResponse, HealthStats, HealthWindow } from '@pipewright/operations';
import { errorMessage } from '../api/api.ts';
import { useFairness, useWaitingRuns } from '../api/fairness.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDuration } from '../ui/format.ts';
import { type HealthScope, useHealth } from './operations-api.ts';
import { RunsChart } from './RunsChart.tsx';

const WINDOWS: { value: HealthWindow; label: string }[] = [
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 d' },
];

const percent = (rate: number | null) => (rate === null ? '—' : `${Number((rate * 100).toFixed(1))} %`);
const perMinute = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(2));

/**
 * The workspace's health over 1 h, 24 h or 7 d, with drill-down to one flow or one connector type.  The scope lives
 * in the URL (the app's route reads and writes it: `health-search.ts`).
 */
export function HealthPage({
  scope,
  onScopeChange: setScope,
}: {
  scope: HealthScope;
  onScopeChange: (scope: HealthScope) => void;
}) {
  const health = useHealth(scope);
  const data = health.data;
  const drilled = scope.flowId !== undefined || scope.connector !== undefined;
  const flowName = data?.flows.find((flow) => flow.flowId === scope.flowId)?.name ?? scope.flowId;

  return (
    <div className="page" data-testid="health-page">
      <header className="page-header">
        <div>
          {drilled && (
            <button type="button" className="back-link link-button" onClick={() => setScope({ window: scope.window })}>
              ← Whole workspace
            </button>
          )}
          <h1>
            Health
            {scope.flowId !== undefined && <> · {flowName}</>}
            {scope.connector !== undefined && <> · {scope.connector} steps</>}
          </h1>
        </div>
        <div className="button-group" title="Window">
          {WINDOWS.map((window) => (
            <button
              key={window.value}
              type="button"
              aria-pressed={scope.window === window.value}
              className={`button${scope.window === window.value ? ' primary' : ''}`}
              data-testid={`health-window-${window.value}`}
              onClick={() => setScope({ ...scope, window: window.value })}
            >
              {window.label}
            </button>
          ))}
        </div>
      </header>
      {health.error && <p className="field-error">{errorMessage(health.error)}</p>}
      {health.isPending && <p className="muted">Loading…</p>}
      {data && (
        <>
          <PausedNotice paused={data.paused} flows={data.flows} />
          <FairShareLine />
          <WaitingSection />
          <StatCards stats={data.totals} contractViolations={data.contractViolations} inProgress={data.inProgress} />
          <section className="health-section">
            <h2>Runs</h2>
            <RunsChart series={data.series} slotMs={data.slotMs} testId="health-runs-chart" />
          </section>
          <section className="health-section">
            <h2>Flows</h2>
            <FlowsTable flows={data.flows} onPick={(flowId) => setScope({ window: scope.window, flowId })} />
          </section>
          {scope.flowId !== undefined && data.flows[0] && <StepsTable flow={data.flows[0]} />}
          <section className="health-section">
            <h2>Connectors</h2>
            <table className="table clickable" data-testid="health-connectors">
              <thead>
                <tr>
                  <th>Connector</th>
                  <th>Steps run</th>
                  <th>Failures</th>
                  <th>p50 / p95</th>
                  <th>Retries</th>
                  <th>429s</th>
                  <th>Rate-limit waits</th>
                </tr>
              </thead>
              <tbody>
                {data.connectors.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      No steps ran in this window.
                    </td>
                  </tr>
                )}
                {data.connectors.map((connector) => (
                  <tr
                    key={connector.connector}
                    data-testid={`health-connector-${connector.connector}`}
                    onClick={() => setScope({ window: scope.window, connector: connector.connector })}
                  >
                    <td>{connector.connector}</td>
                    <td>{connector.executions}</td>
                    <td>{connector.failures}</td>
                    <td>
                      {formatDuration(connector.p50Ms)} / {formatDuration(connector.p95Ms)}
                    </td>
                    <td>{connector.retries}</td>
                    <td>{connector.tooManyRequests}</td>
                    <td>
                      {connector.rateLimitWaits} ({formatDuration(connector.rateLimitWaitMs)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}

function StatCards({
  stats,
  contractViolations,
  inProgress,
}: {
  stats: HealthStats;
  contractViolations: number;
  inProgress: HealthResponse['inProgress'];
}) {
  const cards: [string, string, string][] = [
    ['success-rate', 'Success rate', percent(stats.successRate)],
    [
      'in-progress',
      'In progress now (running / queued)',
      `${inProgress.running === null ? '—' : String(inProgress.running)} / ${inProgress.queued}`,
    ],
    ['runs', 'Runs', `${stats.runs} (${perMinute(stats.runsPerMinute)}/min)`],
    ['latency', 'Run latency p50 / p95', `${formatDuration(stats.p50Ms)} / ${formatDuration(stats.p95Ms)}`],
    ['retries', 'Retries', String(stats.retries)],
    ['429s', '429s', String(stats.tooManyRequests)],
    ['rate-limit', 'Rate-limit waits', `${stats.rateLimitWaits} (${formatDuration(stats.rateLimitWaitMs)})`],
    ['dlq', 'Failed, unresolved', String(stats.dlqBacklog)],
    ['freshness', 'Freshness (trigger → last step)', formatDuration(stats.freshnessMs)],
    ['violations', 'Schema violations', String(contractViolations)],
  ];
  return (
    <div className="health-cards">
      {cards.map(([id, label, value]) => (
        <div key={id} className="health-card" data-testid={`health-stat-${id}`}>
          <div className="muted">{label}</div>
          <div className="health-card-value">{value}</div>
        </div>
      ))}
    </div>
  );
}

function FlowsTable({ flows, onPick }: { flows: FlowHealth[]; onPick: (flowId: string) => void }) {
  return (
    <table className="table clickable" data-testid="health-flows">
      <thead>
        <tr>
          <th>Flow</th>
          <th>Success</th>
          <th>Runs</th>
          <th>p50 / p95</th>
          <th>Unresolved</th>
          <th>The constraint</th>
        </tr>
      </thead>
      <tbody>
        {flows.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              No flows yet.
            </td>
          </tr>
        )}
        {flows.map((flow) => (
          <tr key={flow.flowId} data-testid={`health-flow-${flow.flowId}`} onClick={() => onPick(flow.flowId)}>
            <td>{flow.name ?? <span className="muted">{flow.flowId} (deleted)</span>}</td>
            <td>{percent(flow.successRate)}</td>
            <td>{flow.runs}</td>
            <td>
              {formatDuration(flow.p50Ms)} / {formatDuration(flow.p95Ms)}
            </td>
            <td>{flow.dlqBacklog}</td>
            <td data-testid={`health-constraint-${flow.flowId}`}>
              {flow.constraint ? (
                <>
                  <strong>{flow.constraint.title}</strong>{' '}
                  <span className="muted">
                    {flow.constraint.why === 'failures'
                      ? `${flow.constraint.failures} failure${flow.constraint.failures === 1 ? '' : 's'}`
                      : `p95 ${formatDuration(flow.constraint.p95Ms)}`}
                  </span>
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StepsTable({ flow }: { flow: FlowHealth }) {
  return (
    <section className="health-section">
      <h2>
        Steps · <Link to={paths.flowRuns(flow.flowId)}>runs of this flow</Link>
      </h2>
      <table className="table" data-testid="health-steps">
        <thead>
          <tr>
            <th>Step</th>
            <th>Connector</th>
            <th>Runs</th>
            <th>Failures</th>
            <th>p50 / p95</th>
            <th>Retries</th>
            <th>429s</th>
          </tr>
        </thead>
        <tbody>
          {flow.steps.map((step) => (
            <tr key={step.nodeId} className={flow.constraint?.nodeId === step.nodeId ? 'health-constraint' : ''}>
              <td>{step.title}</td>
              <td>{step.connector}</td>
              <td>{step.executions}</td>
              <td>{step.failures}</td>
              <td>
                {formatDuration(step.p50Ms)} / {formatDuration(step.p95Ms)}
              </td>
              <td>{step.retries}</td>
              <td>{step.tooManyRequests}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Kill switches in effect (flows and connector types paused): a flow's quiet chart may be a pause, not a fault. */
function PausedNotice({
  paused,
  flows,
}: {
  paused: { flows: string[]; connectors: string[] };
  flows: { flowId: string; name?: string | null }[];
}) {
  if (paused.flows.length === 0 && paused.connectors.length === 0) return null;
  const nameOf = (flowId: string) => flows.find((flow) => flow.flowId === flowId)?.name ?? flowId;
  return (
    <p className="health-paused" data-testid="health-paused">
      Paused:{' '}
      {[
        ...paused.flows.map((flowId) => `flow “${nameOf(flowId)}”`),
        ...paused.connectors.map((c) => `connector ${c}`),
      ].join(', ')}
    </p>
  );
}

/**
 * Runs accepted and not begun yet, per flow (docs/adr/027): the backlog a flood or a stopped worker leaves, and the
 * webhooks refused at the ceiling.  Nothing shows while nothing waits.
 */
function WaitingSection() {
  const waiting = useWaitingRuns();
  const data = waiting.data;
  if (!data || (data.waiting === 0 && data.refused === 0)) return null;
  const ceiling = (value: number) => (value === 0 ? 'none' : String(value));
  return (
    <section className="health-section" data-testid="health-waiting">
      <h2>Waiting to start</h2>
      <p className="muted small">
        {data.waiting} {data.waiting === 1 ? 'run waits' : 'runs wait'} for a worker
        {data.oldestAgeMs !== null && <>, the oldest for {formatDuration(data.oldestAgeMs)}</>}. Past{' '}
        {ceiling(data.ceilings.flow)} waiting runs of a flow, or {ceiling(data.ceilings.workspace)} of the workspace,
        webhooks are answered 429 with Retry-After.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Flow</th>
            <th>Waiting</th>
            <th>Oldest</th>
            <th>Refused (429), last {data.windowMinutes} min</th>
          </tr>
        </thead>
        <tbody>
          {data.flows.map((flow) => (
            <tr key={flow.flowId} data-testid={`health-waiting-${flow.flowId}`}>
              <td>{flow.flowName ?? `${flow.flowId} (deleted)`}</td>
              <td>{flow.waiting}</td>
              <td>{formatDuration(flow.oldestAgeMs)}</td>
              <td>{flow.refused}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The workspace's weight under a backlog (docs/adr/027), set on the Limits page. */
function FairShareLine() {
  const fairness = useFairness();
  if (!fairness.data) return null;
  const { weight } = fairness.data;
  return (
    <p className="muted small" data-testid="health-fair-share">
      Fair share: weight {weight}
      {weight === 1 ? ' (an equal share)' : weight < 1 ? ' (gives way to other workspaces)' : ' (a larger share)'} —
      under a backlog, runs get worker capacity in proportion to it.
    </p>
  );
}
