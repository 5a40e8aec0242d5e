import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedWorkspaceWeights, laneOfKind, runPriority } from './run-priority.ts';

test('a run is keyed by its lane, one lane down for a batch flow, and shares by its workspace', () => {
  assert.deepEqual(runPriority({ workspaceId: 'ws_a', lane: 'interactive', weight: 4, enabled: true }), {
    priorityKey: 1,
    fairnessKey: 'ws_a',
    fairnessWeight: 4,
  });
  assert.equal(runPriority({ workspaceId: 'ws_a', lane: 'events', batch: true, enabled: true })?.priorityKey, 3);
  assert.equal(runPriority({ workspaceId: 'ws_a', lane: 'background', batch: true, enabled: true })?.priorityKey, 4);
  assert.equal(runPriority({ workspaceId: 'ws_a', lane: 'events', enabled: true })?.fairnessWeight, 1);
  assert.equal(runPriority({ workspaceId: 'ws_a', lane: 'interactive', enabled: false }), undefined);
});

test('what started a run picks its lane', () => {
  assert.equal(laneOfKind('manual'), 'interactive');
  assert.equal(laneOfKind('webhook'), 'events');
  assert.equal(laneOfKind('message'), 'events');
  assert.equal(laneOfKind('poll'), 'events');
  assert.equal(laneOfKind('schedule'), 'background');
});

test('weights are read once per workspace per cache period, and a failed read keeps the last one', async () => {
  let clock = 0;
  const answers: (number | undefined | Error)[] = [5, new Error('database down'), undefined];
  let reads = 0;
  const weights = cachedWorkspaceWeights(
    async () => {
      reads += 1;
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    { cacheMs: 1_000, now: () => clock },
  );
  assert.equal(await weights('ws_a'), 5);
  assert.equal(await weights('ws_a'), 5);
  assert.equal(reads, 1);
  clock = 1_000;
  assert.equal(await weights('ws_a'), 5, 'the read failed: the last known weight');
  clock = 2_000;
  assert.equal(await weights('ws_a'), 1, 'no weight set: the default');
  assert.equal(reads, 3);
});
