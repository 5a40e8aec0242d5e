import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PLAN_FORMAT } from '@pipewright/run-contract';
import { PublishedPlans } from './published-plans.ts';

/** A plan as the compiler stores it for `flowId`@`version` (one webhook trigger). */
const planJson = (flowId: string, version: number) =>
  JSON.stringify({
    planFormat: PLAN_FORMAT,
    runtimeVersion: 1,
    expressionEngine: 'jsonata',
    flowId,
    version,
    hash: `hash-${flowId}-${version}`,
    triggerNodeId: 'hook',
    nodes: [
      {
        id: 'hook',
        type: 'core.webhook',
        typeVersion: 1,
        title: 'Webhook',
        kind: 'trigger',
        runsIn: 'workflow',
        upstream: [],
        config: { method: 'POST' },
        retry: { maxAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 1000 },
        timeoutMs: 1000,
        taskQueue: 'q',
      },
    ],
  });

/** A loader over a map of stored versions that counts its reads. */
function store(): {
  reads: string[];
  load: (ws: string, flowId: string, version: number) => Promise<{ planJson: string }>;
} {
  const reads: string[] = [];
  return {
    reads,
    async load(ws, flowId, version) {
      reads.push(`${ws}/${flowId}@${version}`);
      if (flowId === 'missing') throw new Error(`Version "${flowId}@${version}" was not found`);
      return { planJson: planJson(flowId, version) };
    },
  };
}

describe('published plans', () => {
  test('a version is read and parsed once, whatever asks for it, and stays apart from other versions', async () => {
    const { reads, load } = store();
    const plans = new PublishedPlans(load);
    const [a, b] = await Promise.all([plans.get('ws', 'flw', 1), plans.get('ws', 'flw', 1)]);
    assert.equal(a, b);
    assert.equal((await plans.get('ws', 'flw', 1)).hash, 'hash-flw-1');
    assert.equal((await plans.get('ws', 'flw', 2)).hash, 'hash-flw-2');
    assert.equal((await plans.get('other-ws', 'flw', 1)).hash, 'hash-flw-1');
    assert.deepEqual(reads, ['ws/flw@1', 'ws/flw@2', 'other-ws/flw@1']);
  });

  test('a failed read is not kept: the next request reads again', async () => {
    const { reads, load } = store();
    const plans = new PublishedPlans(load);
    await assert.rejects(plans.get('ws', 'missing', 1), /was not found/);
    await assert.rejects(plans.get('ws', 'missing', 1), /was not found/);
    assert.equal(reads.length, 2);
  });

  test('past its capacity the least recently used plan goes first', async () => {
    const { reads, load } = store();
    const plans = new PublishedPlans(load, 2);
    await plans.get('ws', 'one', 1);
    await plans.get('ws', 'two', 1);
    await plans.get('ws', 'one', 1); // used again: now "two" is the oldest
    await plans.get('ws', 'three', 1); // drops "two"
    await plans.get('ws', 'one', 1);
    await plans.get('ws', 'two', 1);
    assert.deepEqual(reads, ['ws/one@1', 'ws/two@1', 'ws/three@1', 'ws/two@1']);
  });

  test('a shared plan cannot be changed by one run for the next', async () => {
    const plans = new PublishedPlans(store().load);
    const plan = await plans.get('ws', 'flw', 1);
    assert.throws(() => {
      (plan.nodes[0]?.config as Record<string, unknown>).method = 'GET';
    }, TypeError);
    assert.equal((await plans.get('ws', 'flw', 1)).nodes[0]?.config.method, 'POST');
  });
});
