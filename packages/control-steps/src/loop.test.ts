import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loopControlStep as loop } from './loop.ts';

describe('Loop', () => {
  test('the node evaluates its config without stopWhen, which its body reads', () => {
    const config = { items: '{{ input }}', stopWhen: '{{ result.done }}', resultNode: 'save' };
    assert.deepEqual(loop.nodeConfigOf(config), { items: '{{ input }}', resultNode: 'save' });
    assert.deepEqual(loop.bodySettingsOf(config), { stopWhen: '{{ result.done }}', resultNode: 'save' });
    assert.deepEqual(loop.bodySettingsOf({ stopWhen: 3 }), {});
  });

  test('items must be a list; concurrency a whole number ≥ 1, else 1', () => {
    assert.deepEqual(loop.iterationsOf({ items: [1, 2], concurrency: 5 }), { items: [1, 2], concurrency: 5 });
    assert.deepEqual(loop.iterationsOf({ items: [], concurrency: 0.5 }), { items: [], concurrency: 1 });
    assert.throws(() => loop.iterationsOf({ items: null }), { message: 'items: must evaluate to a list, got null' });
    assert.throws(() => loop.iterationsOf({ items: 'a' }), { message: 'items: must evaluate to a list, got string' });
  });

  test('resultNode must name a node of its body', () => {
    const at = { nodeId: 'each', connectedPorts: new Set<string>(), inLoopBody: false, bodyNodeIds: ['a', 'b'] };
    assert.deepEqual(loop.checkConfig?.({ resultNode: 'b' }, at), []);
    assert.deepEqual(
      loop.checkConfig?.({ resultNode: 'c' }, at).map((problem) => problem.message),
      ['Loop "each": result node "c" is not inside the loop (its steps: a, b)'],
    );
  });
});
