import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlStepDefinitions } from './definitions.ts';
import { controlStepFor, controlSteps } from './registry.ts';

test('each control step has one definition and one behaviour, of the same type', () => {
  assert.deepEqual(
    controlStepDefinitions.map((definition) => definition.type).sort(),
    controlSteps.map((step) => step.type).sort(),
  );
  for (const definition of controlStepDefinitions) {
    assert.ok(controlStepFor(definition.type), definition.type);
    assert.notEqual(definition.kind, 'action', `${definition.type} runs inside the workflow, not in an activity`);
  }
});
