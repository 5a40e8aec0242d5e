import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { controlStepFor, controlSteps } from './registry.ts';

describe('controlStepFor', () => {
  test('finds every control step by its type, and each type once', () => {
    for (const step of controlSteps) assert.equal(controlStepFor(step.type), step);
    assert.equal(new Set(controlSteps.map((step) => step.type)).size, controlSteps.length);
  });

  test('finds nothing for other steps and for names of the object prototype', () => {
    for (const type of ['http.request', 'core.webhook', 'core.loopItem', 'constructor', '__proto__', 'toString', '']) {
      assert.equal(controlStepFor(type), undefined, type);
    }
  });

  test('with a kind, finds only a step of that kind', () => {
    assert.equal(controlStepFor('core.merge', 'merge')?.type, 'core.merge');
    assert.equal(controlStepFor('core.merge', 'loop'), undefined);
    assert.equal(controlStepFor('core.loop', 'loop')?.kind, 'loop');
  });

  test('only Wait and Sub-flow wait for something outside the workflow', () => {
    const awaiting = controlSteps.filter((step) => step.awaitsOutside).map((step) => step.type);
    assert.deepEqual(awaiting.sort(), ['core.subflow', 'core.wait']);
  });
});
