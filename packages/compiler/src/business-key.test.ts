import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowDocument, flowDocumentSchema } from '@pipewright/flow';
import { businessKeyOf } from './business-key.ts';

const withKey = (businessKey: unknown) => ({ schemaVersion: 1, nodes: [], edges: [], settings: { businessKey } });
const documentWith = (businessKey: unknown): FlowDocument => flowDocumentSchema.parse(withKey(businessKey));

describe('business key', () => {
  it('is carried into the plan; a flow without one has none', () => {
    const key = { expression: 'order-{{ trigger.body.orderId }}', whenRunning: 'queue' as const };
    assert.deepEqual(businessKeyOf(documentWith(key)), { key, errors: [] });
    assert.deepEqual(businessKeyOf(flowDocumentSchema.parse(withKey(undefined))), { errors: [] });
  });

  const refused: [string, string, RegExp][] = [
    ['not a template', 'trigger.body.id', /must be a template/],
    ['a syntax error', '{{ trigger.body.( }}', /invalid at character/],
    ['a step’s output', '{{ steps.call.body.id }}', /only the trigger \(it reads steps\.call\)/],
  ];
  for (const [name, expression, message] of refused) {
    it(`refuses ${name}, located on the field`, () => {
      const { key, errors } = businessKeyOf(documentWith({ expression, whenRunning: 'drop' }));
      assert.equal(key, undefined);
      assert.equal(errors[0]?.code, 'invalid_business_key');
      assert.equal(errors[0]?.field, 'settings.businessKey.expression');
      assert.match(errors[0]?.message ?? '', message);
    });
  }

  it('the document schema refuses an unknown mode, an empty or long expression, and extra fields', () => {
    const invalid = [
      { expression: '{{ trigger.body.id }}', whenRunning: 'later' },
      { expression: '', whenRunning: 'queue' },
      { expression: 'x'.repeat(501), whenRunning: 'queue' },
      { expression: '{{ trigger.body.id }}' },
      { expression: '{{ trigger.body.id }}', whenRunning: 'queue', extra: true },
    ];
    for (const businessKey of invalid) {
      assert.equal(flowDocumentSchema.safeParse(withKey(businessKey)).success, false, JSON.stringify(businessKey));
    }
  });
});
