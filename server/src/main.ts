import { createJsonLogger, parseLogLevel } from '@pipewright/logging';
import { createMetricsRegistry, parseMetricsAddress, serveMetrics } from '@pipewright/metrics';
import { startTracing } from '@pipewright/tracing';
import { createApp, stopBackgroundJobs } from './app.ts';
import { connectServerDeps } from './index.ts';

// One JSON object a line on stdout (PIPEWRIGHT_LOG_LEVEL, default info), like the worker's.
const logger = createJsonLogger('server', parseLogLevel(process.env.PIPEWRIGHT_LOG_LEVEL));

// OpenTelemetry traces, only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT); before anything connects.
const tracing = startTracing('pipewright-server', process.env);
const metricsAddress = parseMetricsAddress(process.env.PIPEWRIGHT_METRICS_ADDRESS);
const metrics = metricsAddress ? createMetricsRegistry('server') : undefined;
const deps = await connectServerDeps(process.env, logger);
// Aborted on SIGTERM: readiness answers 503 and live run streams end, while requests are still served (shutdown below).
const draining = new AbortController();
const app = await createApp({
  ...deps,
  sweepQueuedRuns: true,
  evaluateAlerts: true,
  draining: draining.signal,
  ...(metrics ? { metrics } : {}),
  ...(tracing ? { tracing } : {}),
  log: (message, error) => logger.error(message, { error }),
});
const server = app.listen(deps.config.port, () => {
  logger.info(`pipewright server listening on http://localhost:${deps.config.port}`, { taskQueue: deps.taskQueue });
});
// Prometheus scrapes its own listener: metrics name workspaces and flows, so they stay off the public port.
const metricsServer = metrics && metricsAddress ? await serveMetrics(metrics, metricsAddress) : undefined;
if (metricsServer) logger.info(`metrics at http://${metricsAddress?.host}:${metricsServer.port}/metrics`);

/**
 * A rolling restart loses no request (docs/cluster.md): first the server says it is draining (readiness 503) and
 * keeps answering for PIPEWRIGHT_DRAIN_MS, long enough for the proxy to stop sending to it; then it stops listening
 * and lets the requests it has finish (up to PIPEWRIGHT_SHUTDOWN_TIMEOUT_MS), and only then closes its connections to
 * MongoDB and Temporal.
 */
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  const { drainMs, shutdownTimeoutMs } = deps.config;
  logger.info(`${signal}: shutting down`, { drainMs });
  draining.abort();
  setTimeout(() => {
    void metricsServer?.close();
    server.close(() => {
      void stopBackgroundJobs(app)
        .then(() => Promise.allSettled([deps.close(), tracing?.shutdown()]))
        .then(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn(`requests still running after ${shutdownTimeoutMs} ms: cutting their connections`);
      server.closeAllConnections();
    }, shutdownTimeoutMs).unref();
  }, drainMs).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
