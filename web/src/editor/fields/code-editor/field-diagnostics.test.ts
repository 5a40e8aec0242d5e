import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldDiagnostics, messagesForField } from './field-diagnostics.ts';

describe('messagesForField', () => {
  it('keeps the problems of the field and of anything inside it, not of a field that merely shares a prefix', () => {
    const problems = [
      { field: 'url', message: 'url is required' },
      { field: 'headers.x-name', message: 'bad header' },
      { field: 'config.url', message: 'bad expression' },
      { field: 'urlTemplate', message: 'other field' },
      { message: 'about the node' },
    ];
    assert.deepEqual(messagesForField(problems, 'url'), ['url is required', 'bad expression']);
    assert.deepEqual(messagesForField(problems, 'headers'), ['bad header']);
    assert.deepEqual(messagesForField(problems, 'body'), []);
  });
});

describe('fieldDiagnostics', () => {
  it('a problem from the check covers the whole text (it has no offset)', () => {
    assert.deepEqual(fieldDiagnostics({ text: 'http://x', messages: ['unreachable'], checkExpressions: true }), [
      { from: 0, to: 8, severity: 'error', message: 'unreachable', source: 'check' },
    ]);
    assert.deepEqual(fieldDiagnostics({ text: '', messages: ['url is required'], checkExpressions: true }), [
      { from: 0, to: 0, severity: 'error', message: 'url is required', source: 'check' },
    ]);
  });

  it('while the check reports the field, a JSONata syntax error is also marked where it is', () => {
    const text = 'a {{ b ] }}';
    const marks = fieldDiagnostics({ text, messages: ['syntax error'], checkExpressions: true });
    const syntax = marks.filter((mark) => mark.source === 'expression');
    assert.equal(syntax.length, 1);
    assert.equal(text.slice(syntax[0]?.from, syntax[0]?.to), ']');
    assert.equal(syntax[0]?.markClass, 'cm-expression-syntax-error', 'set apart from the whole-field mark');
    const dangling = 'abc {{ a + }}';
    const [, operator] = fieldDiagnostics({ text: dangling, messages: ['syntax error'], checkExpressions: true });
    assert.equal(dangling.slice(operator?.from, operator?.to), '+', 'the operator missing its operand');
    const unclosed = 'x {{ a';
    const [, open] = fieldDiagnostics({ text: unclosed, messages: ['syntax error'], checkExpressions: true });
    assert.equal(unclosed.slice(open?.from, open?.to), '{{');
  });

  it('marks nothing for half-typed text the check has not reported, nor expressions in a code field', () => {
    assert.deepEqual(fieldDiagnostics({ text: 'a {{ b ]', messages: [], checkExpressions: true }), []);
    const code = fieldDiagnostics({ text: 'x = "{{ ]"', messages: ['bad code'], checkExpressions: false });
    assert.deepEqual(
      code.map((mark) => mark.source),
      ['check'],
    );
  });
});
