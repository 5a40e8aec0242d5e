import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlSteps } from '@pipewright/control-steps';
import { builtinSteps } from './index.ts';

test('every control step the engine knows has its definition in the catalog, each once', () => {
  for (const step of controlSteps) {
    const definitions = builtinSteps.filter((definition) => definition.type === step.type);
    assert.equal(definitions.length, 1, step.type);
    assert.notEqual(definitions[0]?.kind, 'action', `${step.type} runs inside the workflow, not in an activity`);
  }
});
