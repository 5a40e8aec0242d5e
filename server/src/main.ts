import { createMetricsRegistry, parseMetricsAddress, serveMetrics } from '@pipewright/metrics';
import { createApp } from './app.ts';
import { connectServerDeps } from './index.ts';

const metricsAddress = parseMetricsAddress(process.env.PIPEWRIGHT_METRICS_ADDRESS);
const metrics = metricsAddress ? createMetricsRegistry('server') : undefined;
const deps = await connectServerDeps(process.env);
const app = await createApp({ ...deps, sweepQueuedRuns: true, ...(metrics ? { metrics } : {}) });
const server = app.listen(deps.config.port, () => {
  console.log(`[server] listening on http://localhost:${deps.config.port} (task queue ${deps.taskQueue})`);
});
// Prometheus scrapes its own listener: metrics name workspaces and flows, so they stay off the public port.
const metricsServer = metrics && metricsAddress ? await serveMetrics(metrics, metricsAddress) : undefined;
if (metricsServer) console.log(`[server] metrics at http://${metricsAddress?.host}:${metricsServer.port}/metrics`);

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`[server] ${signal}: shutting down`);
  void metricsServer?.close();
  server.close(() => {
    void deps.close().then(() => process.exit(0));
  });
  // Open SSE streams would keep close() waiting; give them a moment, then cut them.
  setTimeout(() => server.closeAllConnections(), 2_000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
