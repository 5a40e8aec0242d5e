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
const app = await createApp({
  ...deps,
  sweepQueuedRuns: true,
  evaluateAlerts: true,
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

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: shutting down`);
  void metricsServer?.close();
  server.close(() => {
    void stopBackgroundJobs(app)
      .then(() => Promise.allSettled([deps.close(), tracing?.shutdown()]))
      .then(() => process.exit(0));
  });
  // Open SSE streams would keep close() waiting; give them a moment, then cut them.
  setTimeout(() => server.closeAllConnections(), 2_000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
