/**
 * The issue's proof that secrets never leak: a credential whose secret is a random canary is used by runs that
 * succeed and runs that fail (a StepError carrying the echoed header, a plain Error naming it, retries), by a step
 * that logs it — then every place a secret could end up is searched for the canary: run state through the API,
 * each run's Temporal history, all captured log output, every document of every collection of the test database,
 * API responses and client-side error messages.  Expected: zero occurrences.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CredentialSummary, FlowDetail, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type CredentialsHarness, startCredentialsHarness } from './credentials-test-harness.ts';

const canary = `canary-${randomBytes(18).toString('base64url')}`;
const logs: string[] = [];

// Every line anything in this process writes (server, worker, Temporal core via the forwarded logger).
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

let harness: CredentialsHarness;
before(async () => {
  Runtime.install({
    logger: new DefaultLogger('TRACE', (entry) => logs.push(`${entry.level} ${entry.message} ${safeJson(entry.meta)}`)),
    telemetryOptions: { logging: { filter: { core: 'INFO', other: 'INFO' }, forward: {} } },
  });
  harness = await startCredentialsHarness({
    worker: true,
    log: (message, error) => logs.push(`${message} ${describeError(error)}`),
  });
});
after(async () => {
  await harness?.stop();
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      item instanceof Uint8Array ? Buffer.from(item).toString('utf8') : item,
    );
  } catch {
    return String(value);
  }
}

function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 10; depth += 1) {
    parts.push(
      current instanceof Error ? `${current.name}: ${current.message}\n${current.stack ?? ''}` : String(current),
    );
    parts.push(safeJson(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/**
 * Text to search.  Bytes (Temporal payloads, GridFS chunks, BSON binaries) are decoded as UTF-8 *before*
 * stringifying: Buffer and BSON Binary have toJSON methods that would otherwise turn them into numbers or base64.
 */
function searchable(value: unknown): string {
  const seen = new Set<object>();
  const decode = (item: unknown): unknown => {
    if (item instanceof Uint8Array) return Buffer.from(item).toString('utf8');
    if (typeof item === 'bigint') return item.toString();
    if (typeof item !== 'object' || item === null) return item;
    if ('_bsontype' in item && 'buffer' in item && item.buffer instanceof Uint8Array)
      return Buffer.from(item.buffer).toString('utf8');
    if (item instanceof Date) return item.toISOString();
    if (seen.has(item)) return '[cycle]';
    seen.add(item);
    if (Array.isArray(item)) return item.map(decode);
    return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, decode(entry)]));
  };
  return JSON.stringify(decode(value));
}

const FAST = { maxAttempts: 2, initialIntervalMs: 20, backoffCoefficient: 1, maxIntervalMs: 20 };

function flowDocument(credentialId: string, url: string, extra: { throwPlain?: boolean } = {}) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'call',
        type: 'test.bearerCall',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { url, ...extra, credentials: { auth: credentialId } },
        settings: { retry: FAST },
      },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 400, y: 0 },
        config: {
          fields: [
            { name: 'echoed', value: '{{ steps.call.body.authorization }}' },
            { name: 'sent', value: '{{ steps.call.sentHeader }}' },
          ],
        },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'call' },
      { id: 'e2', source: 'call', target: 'shape' },
    ],
  };
}

test('the canary secret appears nowhere after runs that succeed and fail', async () => {
  const api = harness.api;
  const responses: string[] = [];
  const record = <T extends { text: string }>(response: T): T => {
    responses.push(response.text);
    return response;
  };

  const credential = record(
    await api()
      .post('/api/credentials')
      .send({ name: 'Canary token', type: 'bearerToken', values: { token: canary } })
      .expect(201),
  ).body as CredentialSummary;

  const scenarios = [
    { name: 'succeeds', url: `${harness.echoUrl}/ok`, expect: 'succeeded' },
    { name: 'fails with the echoed header in its error', url: `${harness.echoUrl}/fail`, expect: 'failed' },
    {
      name: 'throws a plain error naming the token',
      url: `${harness.echoUrl}/fail`,
      throwPlain: true,
      expect: 'failed',
    },
  ] as const;

  const clientErrors: string[] = [];
  const runs: RunDetail[] = [];
  for (const scenario of scenarios) {
    const document = flowDocument(credential.id, scenario.url, 'throwPlain' in scenario ? { throwPlain: true } : {});
    const flow = record(await api().post('/api/flows').send({ name: scenario.name, document }).expect(201))
      .body as FlowDetail;
    record(await api().post(`/api/flows/${flow.id}/publish`).expect(201));
    const { runId } = record(await api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published' }).expect(202))
      .body as StartRunResponse;
    await harness.temporal.workflow
      .getHandle(runId)
      .result()
      .catch((error: unknown) => clientErrors.push(describeError(error)));
    const run = record(await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.equal(run.status, scenario.expect, `${scenario.name}: ${JSON.stringify(run.error)}`);
    runs.push(run);
  }

  // API responses a builder or admin can see.
  for (const path of [
    '/api/credentials',
    `/api/credentials/${credential.id}`,
    '/api/credential-types',
    '/api/runs',
    '/api/flows',
  ]) {
    record(await api().get(path).expect(200));
  }
  const listed = (JSON.parse(responses.at(-5) ?? '{}') as { items: CredentialSummary[] }).items.find(
    (item) => item.id === credential.id,
  );
  assert.ok(listed?.lastUsedAt, 'the credential shows when it was last used');

  const histories: string[] = [];
  for (const run of runs) histories.push(searchable(await harness.temporal.workflow.getHandle(run.id).fetchHistory()));

  const documents: string[] = [];
  for (const { name } of await harness.db.listCollections().toArray()) {
    for (const doc of await harness.db.collection(name).find({}).toArray()) documents.push(searchable(doc));
  }
  const audit = await harness.db
    .collection('audit')
    .countDocuments({ action: 'credential.use', 'target.id': credential.id });
  assert.ok(audit >= 3, 'each use is audited');

  const places = {
    'run state (GET /api/runs/:id) and other API responses': responses,
    'Temporal histories': histories,
    'log lines (stdout, stderr, Temporal logger, app log)': [...logs],
    'MongoDB documents (all collections)': documents,
    'client-side error messages': clientErrors,
  };
  const report = Object.entries(places).map(([place, texts]) => ({
    place,
    searched: texts.length,
    hits: texts.filter((text) => text.includes(canary)).length,
  }));
  const total = report.reduce((sum, entry) => sum + entry.searched, 0);
  const hits = report.reduce((sum, entry) => sum + entry.hits, 0);
  console.log(
    `canary search: ${total} places searched, ${hits} hits\n${report.map((entry) => `  ${entry.place}: ${entry.searched} searched, ${entry.hits} hits`).join('\n')}`,
  );
  // The secret really was used (so a leak would have been possible), and what came back was scrubbed.
  const [ok, failed, thrown] = runs;
  assert.deepEqual(ok?.nodes.call?.output, {
    status: 200,
    body: { path: '/ok', authorization: 'Bearer [redacted]' },
    sentHeader: 'Bearer [redacted]',
  });
  assert.deepEqual(ok?.nodes.shape?.output, { echoed: 'Bearer [redacted]', sent: 'Bearer [redacted]' });
  assert.match(failed?.error?.message ?? '', /answered 500: .*Bearer \[redacted\]/);
  assert.match(thrown?.error?.message ?? '', /plain failure while using \[redacted\]/);
  assert.equal(thrown?.nodes.call?.attempts, 2, 'plain errors are retried, each attempt scrubbed');
  assert.ok(
    logs.some((line) => line.includes('with token [redacted]')),
    'the step’s log line was captured, scrubbed',
  );

  // The search sees through encodings: bytes (payloads, GridFS chunks) are decoded before searching.
  assert.equal(
    searchable({ payload: { data: Buffer.from(JSON.stringify({ token: canary })) } }).includes(canary),
    true,
  );
  assert.ok(
    histories.every((history) => history.includes('[redacted]')),
    'histories hold the scrubbed values',
  );
  assert.deepEqual(
    report.filter((entry) => entry.hits > 0),
    [],
  );
  assert.ok(total > 50, `searched ${total} places`);
});

test('a node whose credential was deleted, or is of another type, fails saying what to do', async () => {
  const api = harness.api;
  const runWith = async (credentialId: string) => {
    const document = flowDocument(credentialId, `${harness.echoUrl}/ok`);
    const flow = (
      await api()
        .post('/api/flows')
        .send({ name: `uses ${credentialId}`, document })
        .expect(201)
    ).body as FlowDetail;
    const { runId } = (await api().post(`/api/flows/${flow.id}/runs`).send({}).expect(202)).body as StartRunResponse;
    await harness.temporal.workflow
      .getHandle(runId)
      .result()
      .catch(() => {});
    return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
  };
  const wrongType = (
    await api()
      .post('/api/credentials')
      .send({ name: 'A key', type: 'apiKey', values: { apiKey: 'k-1234' } })
      .expect(201)
  ).body as CredentialSummary;
  const mismatched = await runWith(wrongType.id);
  assert.equal(mismatched.status, 'failed');
  assert.match(
    mismatched.error?.message ?? '',
    /"A key" \(apiKey\) cannot be used for "auth", which needs a Bearer token credential/,
  );
  assert.equal(mismatched.nodes.call?.attempts, 1, 'not retried');

  await api().delete(`/api/credentials/${wrongType.id}`).expect(204);
  const deleted = await runWith(wrongType.id);
  assert.match(deleted.error?.message ?? '', /does not exist \(deleted\?\): pick another one in node "call"/);
});
