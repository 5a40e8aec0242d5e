import { createApp } from './app.ts';
import { connectServerDeps } from './index.ts';

const deps = await connectServerDeps(process.env);
const app = await createApp({ ...deps, sweepQueuedRuns: true });
const server = app.listen(deps.config.port, () => {
  console.log(`[server] listening on http://localhost:${deps.config.port} (task queue ${deps.taskQueue})`);
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`[server] ${signal}: shutting down`);
  server.close(() => {
    void deps.close().then(() => process.exit(0));
  });
  // Open SSE streams would keep close() waiting; give them a moment, then cut them.
  setTimeout(() => server.closeAllConnections(), 2_000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
