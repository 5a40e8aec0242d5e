import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenLineBreaks, minimalChange, type TextChange } from './text-change.ts';

const apply = (text: string, change: TextChange | null) =>
  change ? `${text.slice(0, change.from)}${change.insert}${text.slice(change.to)}` : text;

describe('minimalChange', () => {
  const cases: { name: string; before: string; after: string; expected: TextChange | null }[] = [
    { name: 'equal texts need no change', before: 'abc', after: 'abc', expected: null },
    { name: 'an insertion in the middle', before: 'ac', after: 'abc', expected: { from: 1, to: 1, insert: 'b' } },
    { name: 'a deletion at the end', before: 'abc', after: 'ab', expected: { from: 2, to: 3, insert: '' } },
    {
      name: 'a replacement',
      before: 'a {{ x }} b',
      after: 'a {{ y.z }} b',
      expected: { from: 5, to: 6, insert: 'y.z' },
    },
    { name: 'everything replaced', before: 'abc', after: 'xyz', expected: { from: 0, to: 3, insert: 'xyz' } },
    { name: 'from empty', before: '', after: 'new', expected: { from: 0, to: 0, insert: 'new' } },
    { name: 'repeated characters', before: 'aaa', after: 'aaaa', expected: { from: 3, to: 3, insert: 'a' } },
  ];
  for (const { name, before, after, expected } of cases) {
    it(name, () => {
      const change = minimalChange(before, after);
      assert.deepEqual(change, expected);
      assert.equal(apply(before, change), after);
    });
  }

  it('turns any text into any other (so an external value never leaves the editor out of date)', () => {
    const texts = ['', 'a', 'ab', 'ba', 'abab', '{{ x }}', '{{ x }}{{ x }}', 'x\ny', 'x\n\ny'];
    for (const before of texts)
      for (const after of texts) assert.equal(apply(before, minimalChange(before, after)), after);
  });
});

describe('flattenLineBreaks', () => {
  it('turns each line break into spaces of the same length, so the caret stays where it was', () => {
    assert.equal(flattenLineBreaks('a\nb\r\nc\rd'), 'a b  c d');
    assert.equal(flattenLineBreaks('one line'), 'one line');
  });
});
