import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJsonValue, parseJsonOrRaw, parseOptionalInt } from './form-fields.ts';

describe('field values', () => {
  it('JSON fields store parsed JSON when valid and the raw text otherwise', () => {
    assert.deepEqual(parseJsonOrRaw('{"a": 1}'), { a: 1 });
    assert.equal(parseJsonOrRaw('{{ trigger.body }}'), '{{ trigger.body }}');
    assert.equal(parseJsonOrRaw('  '), undefined);
    assert.equal(formatJsonValue({ a: 1 }), '{\n  "a": 1\n}');
  });

  it('a blank number means "use the default"', () => {
    assert.equal(parseOptionalInt(' '), undefined);
    assert.equal(parseOptionalInt('2.6'), 3);
  });
});
