import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Cluster, startCluster } from './cluster.ts';
import { DEFAULT_POSTGRES_URL, dropDatabases, parsePostgresUrl } from './postgres.ts';
import { waitFor } from './waiting.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'pipewright-cluster-restart-'));
const databasePrefix = `pw_restart_${Math.random().toString(36).slice(2, 8)}`;
let running: Cluster | undefined;

after(async () => {
  await running?.stop();
  await dropDatabases(parsePostgresUrl(DEFAULT_POSTGRES_URL), [
    `${databasePrefix}_temporal`,
    `${databasePrefix}_temporal_visibility`,
    `${databasePrefix}_data`,
  ]);
  rmSync(dataDir, { recursive: true, force: true });
});

interface RunView {
  status: string;
  nodes: Record<string, { output?: unknown }>;
}

const manualFlow = {
  schemaVersion: 1,
  nodes: [
    { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
    {
      id: 'shout',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { fields: [{ name: 'word', value: '{{ $uppercase(trigger.body.word) }}' }] },
    },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'shout' }],
};

// One server and one worker are enough here: what is checked is where the data lives, not the replicas.
const start = () => startCluster({ dataDir, databasePrefix, freePorts: true, servers: 1, workers: 1, log: () => {} });

test('the cluster keeps its data across a full stop and start: the account, a flow and a finished run with its output', async () => {
  running = await start();
  const account = { email: 'keeper@cluster.test', password: 'kept password 123' };
  const signup = await fetch(`${running.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, name: 'Keeper', workspaceName: 'Kept' }),
  });
  assert.equal(signup.status, 201);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const headers = { 'content-type': 'application/json', cookie, 'x-requested-with': 'pipewright' };
  const created = await fetch(`${running.url}/api/flows`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Survives restarts', document: manualFlow }),
  });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };
  const published = await fetch(`${running.url}/api/flows/${flow.id}/publish`, { method: 'POST', headers });
  assert.equal(published.status, 201);
  const started = await fetch(`${running.url}/api/flows/${flow.id}/runs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ source: 'published', payload: { word: 'kept' } }),
  });
  assert.equal(started.status, 202);
  const { runId } = (await started.json()) as { runId: string };
  const cluster = running;
  const finished = await waitFor('the run to finish', async () => {
    const detail = (await (await fetch(`${cluster.url}/api/runs/${runId}`, { headers })).json()) as RunView;
    return detail.status === 'running' || detail.status === 'queued' ? undefined : detail;
  });
  assert.equal(finished.status, 'succeeded');
  assert.deepEqual(finished.nodes.shout?.output, { word: 'KEPT' });
  await running.stop();
  running = undefined;

  running = await start();
  const login = await fetch(`${running.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  assert.equal(login.status, 200, 'the account is still there');
  const again = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const read = await fetch(`${running.url}/api/flows/${flow.id}`, { headers: { cookie: again } });
  assert.equal(read.status, 200);
  assert.equal(((await read.json()) as { name: string }).name, 'Survives restarts');
  // Temporal's history shards come back a moment after its frontend answers: until then a run read is a 503
  // (engine unavailable) — what a browser shows as "try again", not data lost.  Wait for an answer, then check it.
  const restarted = running;
  let last = '';
  const what = () => `the run to be readable after the restart (last answer: ${last})`;
  const run = await waitFor(
    what,
    async () => {
      const answer = await fetch(`${restarted.url}/api/runs/${runId}`, { headers: { cookie: again } });
      last = `${answer.status} ${await answer.clone().text()}`;
      if (answer.status === 503) return undefined;
      assert.equal(answer.status, 200, `the run read answered ${last}`);
      return (await answer.json()) as RunView;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  assert.equal(run.status, 'succeeded', 'the run and its history are still in Temporal');
  assert.deepEqual(run.nodes.shout?.output, { word: 'KEPT' });
});
