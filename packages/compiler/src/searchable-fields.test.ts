import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowDocument, flowDocumentSchema, MAX_SEARCHABLE_FIELDS } from '@pipewright/flow';
import { searchableFieldsOf } from './searchable-fields.ts';

const withSearchable = (searchable: unknown) => ({ schemaVersion: 1, nodes: [], edges: [], settings: { searchable } });
const documentWith = (searchable: unknown): FlowDocument => flowDocumentSchema.parse(withSearchable(searchable));

describe('searchable fields', () => {
  it('are carried into the plan in order', () => {
    const fields = [
      { name: 'orderId', expression: '{{ trigger.body.orderId }}' },
      { name: 'customer', expression: 'c-{{ trigger.body.customer.id }}' },
    ];
    assert.deepEqual(searchableFieldsOf(documentWith(fields)), { fields, errors: [] });
    assert.deepEqual(searchableFieldsOf(flowDocumentSchema.parse(withSearchable(undefined))).fields, []);
  });

  const refused: [string, string, RegExp][] = [
    ['not a template', 'trigger.body.id', /must be a template/],
    ['a syntax error', '{{ trigger.body.( }}', /invalid at character/],
    ['a step’s output', '{{ steps.call.body.id }}', /only the trigger \(it reads steps\.call\)/],
  ];
  for (const [name, expression, message] of refused) {
    it(`refuses ${name}, located on the field`, () => {
      const { fields, errors } = searchableFieldsOf(documentWith([{ name: 'k', expression }]));
      assert.deepEqual(fields, []);
      assert.equal(errors[0]?.code, 'invalid_searchable_field');
      assert.equal(errors[0]?.field, 'settings.searchable.0.expression');
      assert.match(errors[0]?.message ?? '', message);
    });
  }

  it('the document schema limits count, names and uniqueness', () => {
    const field = (name: string) => ({ name, expression: '{{ trigger.body.x }}' });
    const invalid = [
      Array.from({ length: MAX_SEARCHABLE_FIELDS + 1 }, (_, index) => field(`f${index}`)),
      [field('a'), field('a')],
      [field('has space')],
      [field('1starts_with_digit')],
      [field('__proto__')],
      [field('a'.repeat(33))],
      [{ name: 'a', expression: 'x'.repeat(501) }],
    ];
    for (const searchable of invalid) {
      assert.equal(
        flowDocumentSchema.safeParse(withSearchable(searchable)).success,
        false,
        JSON.stringify(searchable).slice(0, 80),
      );
    }
  });
});
