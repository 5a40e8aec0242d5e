import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from 'mongodb';
import { WaitingRuns } from './waiting-runs.ts';

/** A database whose every read and write fails (it went away). */
const unreachable = {
  collection: () => ({
    findOne: () => Promise.reject(new Error('connection refused')),
    updateOne: () => Promise.reject(new Error('connection refused')),
  }),
} as unknown as Db;

test('counts that cannot be read never refuse a delivery, and the runs accepted meanwhile still count', async () => {
  const logged: string[] = [];
  const waiting = new WaitingRuns({
    db: unreachable,
    settings: { perWorkspace: 2, perFlow: 2, retryAfterSeconds: 5, windowMinutes: 60 },
    log: (message) => logged.push(message),
  });
  try {
    assert.equal(await waiting.admission('ws_a', 'flw_a'), undefined, 'no counts: no refusal, no error');
    const run = { workspaceId: 'ws_a', flowId: 'flw_a', acceptedAt: Date.now() };
    waiting.accepted(run);
    waiting.accepted(run);
    // Still counted from memory while the database is away: the ceiling holds.
    const refusal = await waiting.admission('ws_a', 'flw_a');
    assert.equal(refusal?.scope, 'flow');
    assert.equal(refusal?.waiting, 2);
    await waiting.flush();
    assert.ok(logged.some((message) => message.includes('could not be written')));
  } finally {
    await waiting.close().catch(() => {});
  }
});
