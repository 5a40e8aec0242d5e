import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, RunHistoryResponse, StartRunResponse } from '@pipewright/api-contract';
import { provisionWorkspace, signedInAgent } from '../auth/test-accounts.ts';
import { awaitRun, type Harness, startHarness, TargetServer, webhookToHttpDocument } from '../test-support.ts';

let harness: Harness;
const target = new TargetServer();
before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

/** A manual → HTTP flow (3 attempts, 50 ms apart) calling `url`, published, and one finished run of it. */
async function finishedRunCalling(url: string, payload: unknown): Promise<string> {
  const flow = (
    await api()
      .post('/api/flows')
      .send({ name: 'Flaky API', document: webhookToHttpDocument(url, 'core.manual') })
      .expect(201)
  ).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const { runId } = (await api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published', payload }).expect(202))
    .body as StartRunResponse;
  await awaitRun(harness.temporal, runId);
  return runId;
}

describe('run history', () => {
  test('a step that fails twice then succeeds shows three attempts, both errors and every duration', async () => {
    const url = target.script('/flaky-twice', [
      { status: 500, body: { error: 'first' } },
      { status: 500, body: { error: 'second' } },
      { status: 200, body: { ok: true } },
    ]);
    const marker = `Ada-${randomBytes(6).toString('hex')}`;
    const runId = await finishedRunCalling(url, { name: marker });
    const run = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.nodes.call?.attempts, 3);

    const history = (await api().get(`/api/runs/${runId}/history`).expect(200)).body as RunHistoryResponse;
    const attempts = history.attempts.call ?? [];
    assert.deepEqual(
      attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.error?.message]),
      [
        [1, 'failed', `POST ${url} answered 500`],
        [2, 'failed', `POST ${url} answered 500`],
        [3, 'succeeded', undefined],
      ],
    );
    for (const attempt of attempts) {
      assert.ok(attempt.startedAt && Date.parse(attempt.startedAt) >= Date.parse(run.startedAt) - 1000, 'a start');
      assert.ok(typeof attempt.durationMs === 'number' && attempt.durationMs >= 0, `attempt ${attempt.attempt} took`);
      assert.notEqual(attempt.kept, false);
    }
    assert.equal(attempts[0]?.local, true, 'the first attempt ran locally (docs/adr/009)');
    assert.equal(attempts[0]?.error?.retryable, true);
    assert.ok(
      Date.parse(attempts[1]?.startedAt ?? '') >= Date.parse(attempts[0]?.startedAt ?? '') + 50,
      'the second attempt started after the first and the 50 ms retry interval',
    );

    const texts = history.events.map((row) => row.text);
    assert.ok(texts[0]?.startsWith('Run started'), texts.join('\n'));
    assert.ok(
      texts.includes(`Step call ran locally (attempt 1) and failed: POST ${url} answered 500`),
      texts.join('\n'),
    );
    assert.ok(texts.includes('Timer 50 ms started'), texts.join('\n'));
    assert.ok(
      texts.includes(`Step call started (attempt 3) after attempt 2 failed: POST ${url} answered 500`),
      texts.join('\n'),
    );
    assert.ok(
      texts.some((text) => text.startsWith('Step call completed (attempt 3)')),
      texts.join('\n'),
    );
    assert.ok(texts.at(-1)?.startsWith('Run completed'), texts.join('\n'));
    const failedRows = history.events.filter((row) => row.failed === true);
    assert.equal(failedRows.length, 1, 'the local failure; the retried one is told on the next start');
    assert.equal(history.truncated, false);
    assert.equal(history.nextAfter, null);
    // Sizes, never payloads: the trigger data appears nowhere in the history.
    assert.equal(JSON.stringify(history).includes(marker), false);
    assert.ok(history.events.some((row) => row.type === 'ActivityTaskScheduled' && (row.bytes ?? 0) > 0));

    // Paged: two rows at a time, each page continuing after the last.
    const first = (await api().get(`/api/runs/${runId}/history?limit=2`).expect(200)).body as RunHistoryResponse;
    assert.deepEqual(
      first.events.map((row) => row.eventId),
      history.events.slice(0, 2).map((row) => row.eventId),
    );
    assert.equal(first.nextAfter, history.events[1]?.eventId);
    const second = (await api().get(`/api/runs/${runId}/history?limit=2&after=${first.nextAfter}`).expect(200))
      .body as RunHistoryResponse;
    assert.deepEqual(
      second.events.map((row) => row.eventId),
      history.events.slice(2, 4).map((row) => row.eventId),
    );
  });

  test('a retried activity keeps every attempt, also those Temporal does not (its trail in the heartbeat)', async () => {
    const url = target.script('/flaky-four', [
      { status: 500, body: { error: 'one' } },
      { status: 502, body: { error: 'two' } },
      { status: 503, body: { error: 'three' } },
      { status: 500, body: { error: 'four' } },
      { status: 200, body: { ok: true } },
    ]);
    const document = webhookToHttpDocument(url, 'core.manual');
    const call = document.nodes.find((node) => node.id === 'call');
    assert.ok(call);
    // Longer than a local first attempt may take (docs/adr/009): every attempt is one activity's retries.
    call.settings = {
      retry: { maxAttempts: 5, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 },
      timeoutMs: 90_000,
    };
    const flow = (await api().post('/api/flows').send({ name: 'Five tries', document }).expect(201)).body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const { runId } = (
      await api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published', payload: {} }).expect(202)
    ).body as StartRunResponse;
    await awaitRun(harness.temporal, runId);

    const history = (await api().get(`/api/runs/${runId}/history`).expect(200)).body as RunHistoryResponse;
    const attempts = history.attempts.call ?? [];
    assert.deepEqual(
      attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.error?.message, attempt.kept]),
      [
        [1, 'failed', `POST ${url} answered 500`, undefined],
        [2, 'failed', `POST ${url} answered 502`, undefined],
        [3, 'failed', `POST ${url} answered 503`, undefined],
        [4, 'failed', `POST ${url} answered 500`, undefined],
        [5, 'succeeded', undefined, undefined],
      ],
    );
    for (const attempt of attempts) {
      assert.ok(attempt.startedAt !== undefined && typeof attempt.durationMs === 'number', `${attempt.attempt} timed`);
      assert.equal(attempt.local, undefined);
    }
    const starts = attempts.map((attempt) => Date.parse(attempt.startedAt ?? ''));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      'attempts in the order they ran',
    );
  });

  test('a bad query is refused naming the field; another workspace’s run reads as 404', async () => {
    const url = target.script('/fine', [{ status: 200, body: { ok: true } }]);
    const runId = await finishedRunCalling(url, { name: 'B' });
    const bad = await api().get(`/api/runs/${runId}/history?limit=5000`).expect(400);
    assert.match(String(bad.body.error.message), /^limit: /);
    await api().get(`/api/runs/${runId}/history?page=2`).expect(400);
    await api().get('/api/runs/run_nope/history').expect(404);

    const other = await provisionWorkspace(harness.app, harness.db);
    await signedInAgent(harness.app, other.token).get(`/api/runs/${runId}/history`).expect(404);

    const history = (await api().get(`/api/runs/${runId}/history`).expect(200)).body as RunHistoryResponse;
    assert.deepEqual(
      history.attempts.call?.map((attempt) => [attempt.attempt, attempt.outcome, attempt.local]),
      [[1, 'succeeded', true]],
    );
  });
});
