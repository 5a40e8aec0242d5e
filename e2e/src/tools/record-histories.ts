/**
 * Records the Temporal histories of representative runs into worker/src/replay/histories/, for the replay test
 * (worker/src/replay/replay.test.ts) that makes a change breaking runs in flight fail the build (DESIGN.md #2).
 *
 *   ./pw exec node e2e/src/tools/record-histories.ts
 *
 * Re-record only to ADD scenarios; never to "fix" a failing replay — that failure means in-flight runs would break.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { threeNodeFlow } from '../flows.ts';
import { startProduct } from '../harness.ts';

const outDir = resolve(import.meta.dirname, '../../../worker/src/replay/histories');

// A local API: /ok answers JSON, /flaky fails once per path then succeeds, /fail always answers 500.
const seen = new Set<string>();
const api = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url ?? '/';
    const fail = path.startsWith('/fail') || (path.startsWith('/flaky') && !seen.has(path));
    seen.add(path);
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(fail ? { error: 'boom' } : { ok: true, path }));
  });
});
await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

const product = await startProduct();
const call = async (path: string, body?: unknown) => {
  const response = await product.api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

async function record(name: string, targetPath: string, settings?: Record<string, unknown>): Promise<void> {
  const document = threeNodeFlow(`${apiUrl}${targetPath}`);
  const http = document.nodes[2];
  if (http && settings) Object.assign(http, { settings });
  const flow = await call('/api/flows', { name, document });
  await call(`/api/flows/${String(flow.id)}/publish`);
  const { runId } = await call(String(flow.webhookPath), { name: 'Ada', qty: 3 });
  const handle = product.temporal.workflow.getHandle(String(runId));
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  writeFileSync(resolve(outDir, `${name}.json`), historyToJSON(history));
  console.log(`recorded ${name} (${history.events?.length ?? 0} events)`);
}

const fastRetry = { retry: { maxAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 } };
await record('webhook-transform-http-succeeded', '/ok');
await record('http-retried-once-then-succeeded', '/flaky/1', fastRetry);
await record('http-failed-run-failed', '/fail', fastRetry);
await product.stop();
api.close();
process.exit(0);
