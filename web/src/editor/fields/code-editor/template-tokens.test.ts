import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expressionRegions, tokenizeTemplate } from './template-tokens.ts';

const kinds = (text: string) => tokenizeTemplate(text).map((token) => [text.slice(token.from, token.to), token.kind]);

describe('expressionRegions', () => {
  it('finds each {{ … }} the runtime would evaluate, and an unclosed one up to the end', () => {
    assert.deepEqual(expressionRegions('plain text'), []);
    assert.deepEqual(expressionRegions('a {{ x }} b {{ y }}'), [
      { from: 2, to: 9, closed: true },
      { from: 12, to: 19, closed: true },
    ]);
    assert.deepEqual(expressionRegions('{{ a }} and {{ b'), [
      { from: 0, to: 7, closed: true },
      { from: 12, to: 16, closed: false },
    ]);
  });
});

describe('tokenizeTemplate', () => {
  it('marks nothing outside expressions', () => {
    assert.deepEqual(kinds('{ "name": "Ada", "n": 1 }'), []);
  });

  it('marks braces, paths, functions, strings, numbers, keywords and operators inside one', () => {
    assert.deepEqual(kinds('Hi {{ $uppercase(trigger.body.name) & "!" }}'), [
      ['{{', 'brace'],
      ['$uppercase', 'function'],
      ['trigger', 'path'],
      ['body', 'path'],
      ['name', 'path'],
      ['&', 'operator'],
      ['"!"', 'string'],
      ['}}', 'brace'],
    ]);
    assert.deepEqual(kinds('{{ qty * 10 > 5 and $x }}'), [
      ['{{', 'brace'],
      ['qty', 'path'],
      ['*', 'operator'],
      ['10', 'number'],
      ['>', 'operator'],
      ['5', 'number'],
      ['and', 'keyword'],
      ['$x', 'variable'],
      ['}}', 'brace'],
    ]);
  });

  it('keeps an escaped quote and a backtick path whole, and stops an unclosed string at the region end', () => {
    assert.deepEqual(kinds('{{ "a\\"b" & `first name` }}'), [
      ['{{', 'brace'],
      ['"a\\"b"', 'string'],
      ['&', 'operator'],
      ['`first name`', 'path'],
      ['}}', 'brace'],
    ]);
    assert.deepEqual(kinds('{{ "open }} after'), [
      ['{{', 'brace'],
      ['"open ', 'string'],
      ['}}', 'brace'],
    ]);
  });

  it('highlights an unclosed expression being typed without a closing brace', () => {
    assert.deepEqual(kinds('x {{ trigger.'), [
      ['{{', 'brace'],
      ['trigger', 'path'],
    ]);
  });
});
