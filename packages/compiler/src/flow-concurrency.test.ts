import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flowDocumentSchema } from '@pipewright/flow';
import { executionPlanSchema } from '@pipewright/run-contract/schema';
import { compileFlow } from './compile.ts';
import { catalog, edge, flow, http, options, webhook } from './test-fixtures.ts';

const withSettings = (settings?: unknown) => ({
  ...flow([webhook(), http('call')], [edge('hook', 'call')]),
  ...(settings === undefined ? {} : { settings }),
});
const compiled = (settings?: unknown) =>
  compileFlow(flowDocumentSchema.parse(withSettings(settings)), catalog, options);

describe('at most N runs at once (settings.maxConcurrentRuns)', () => {
  it('is carried into the plan, which the plan schema accepts; a flow without it has none', () => {
    for (const limit of [1, 2, 100]) {
      const result = compiled({ maxConcurrentRuns: limit });
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.plan.maxConcurrentRuns, limit);
      assert.equal(executionPlanSchema.parse(result.plan).maxConcurrentRuns, limit);
    }
    const without = compiled();
    assert.ok(without.ok);
    assert.equal('maxConcurrentRuns' in without.plan, false);
  });

  it('the document schema refuses 0, 101, a fraction, a string and null, naming the field', () => {
    for (const maxConcurrentRuns of [0, 101, 1.5, '2', null, -1]) {
      const parsed = flowDocumentSchema.safeParse(withSettings({ maxConcurrentRuns }));
      assert.equal(parsed.success, false, JSON.stringify(maxConcurrentRuns));
      assert.deepEqual(parsed.error?.issues[0]?.path, ['settings', 'maxConcurrentRuns']);
    }
    assert.match(
      flowDocumentSchema.safeParse(withSettings({ maxConcurrentRuns: 101 })).error?.issues[0]?.message ?? '',
      /at most 100/,
    );
  });

  it('is refused together with a business key, on the field, with a message that says why', () => {
    const result = compiled({
      maxConcurrentRuns: 3,
      businessKey: { expression: '{{ trigger.body.id }}', whenRunning: 'queue' },
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.field]),
      [['concurrency_with_business_key', 'settings.maxConcurrentRuns']],
    );
    assert.match(result.errors[0]?.message ?? '', /cannot be combined with a business key/);
  });
});
