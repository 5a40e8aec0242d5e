import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinearRegExp, regexProblem } from './linear-regexp.ts';
import { allMatches, asciiJson } from './linear-regexp-fixtures.ts';

/**
 * The corners of the pattern syntax (escapes, class escapes, Annex B leftovers) and of the RegExp-like interface, each
 * checked against the native engine; and the exact reasons the linear engine gives for patterns it refuses.
 */

describe('LinearRegExp reads escapes like RegExp', () => {
  const cases: [string, string, string][] = [
    ['[\\D]+', 'g', 'ab12cd3'],
    ['[\\W]+', 'g', 'a b-c_d!'],
    ['[\\S]+', 'g', 'one two\tthree'],
    ['[^\\W_]+', 'g', 'a_b c9__x'],
    ['[\\D\\s]+', 'g', 'ab 12 cd'],
    ['[\\Wa-c]+', 'g', 'ab!dc?e'],
    ['\\v\\f\\r', 'g', 'x\v\f\ry'],
    ['\\n\\t', 'g', 'a\n\tb'],
    ['[\\b]', 'g', 'a\bb'],
    ['\\b', 'g', 'ab cd'],
    ['[\\8\\9\\B\\k\\-]+', 'g', '89Bk-x'],
    ['\\c1', 'g', 'a\\c1b'],
    ['[\\c1]', 'g', 'a\u0011b'],
    ['[\\c_]', 'g', 'a\u001fb'],
    ['\\cj', 'g', 'a\nb'],
    ['\\x4g\\u12', 'g', 'x4gu12'],
    ['\\x41\\x4a', 'g', 'AJ'],
    ['\\u00e9', 'gi', '\u00e9\u00c9'],
    ['\\377\\400', 'g', '\u00ff\u00200'],
    ['\\0', 'g', 'a\u0000b'],
    ['\\7\\78', 'g', '\u0007\u00078'],
    ['[\\012]', 'g', 'a\nb'],
    ['a{,3}', 'g', 'a{,3}'],
    ['a{2', 'g', 'a{2'],
    ['x{0}', 'g', 'xx'],
    ['(?:a|b|c)+', 'g', 'abcabd'],
    ['(a)|(b)', 'g', 'ab'],
    ['[-a]+', 'g', '-a-b'],
    ['[a-]+', 'g', 'a--b'],
    ['[\\w-]+', 'g', 'a-b c'],
    ['[a-c-e]+', 'g', 'b-ef'],
    ['\\.\\*\\?', 'g', 'a.*?b'],
    ['[.]', 'g', 'a.b'],
    ['\\e', 'g', 'e\\e'],
    ['[a-zb-cd-e]+', 'g', 'xyz abc'],
    ['[d-ea-c]+', 'g', 'abcdef'],
    ['[a-cd-f]+', 'g', 'abcdefg'],
    ['[\\w\\d]+', 'g', 'a1 b_2'],
    ['[^\\d0-5]+', 'g', '0a9b'],
    ['[x-zA-Ca-c]+', 'g', 'aBy Dd'],
    ['s', 'gi', 's S \u017f'],
    ['[a-z]+', 'gi', '\u017f\u212aK'],
    ['\u00df', 'gi', '\u00df SS \u1e9e'],
    ['\u00e0', 'gi', '\u00c0\u00e0'],
    ['[^k]+', 'gi', 'aKb\u212ac'],
    ['\\xg4', 'g', 'xg4'],
    ['\\0', 'gi', '\uffff\u0000'],
    ['\\uffff', 'gi', 'a\uffff'],
    ['\\u0149', 'gi', '\u0149\u02bc'],
    ['[a-a]+', 'g', 'aab'],
  ];
  for (const [source, flags, input] of cases) {
    it(`/${source}/${flags} on ${asciiJson(input)}`, () => {
      assert.deepEqual(
        allMatches(new LinearRegExp(source, flags), input),
        allMatches(new RegExp(source, flags), input),
        `/${source}/${flags} on ${asciiJson(input)}`,
      );
    });
  }
});

describe('LinearRegExp behaves like a RegExp object', () => {
  it('test() says whether there is a match', () => {
    assert.equal(new LinearRegExp('b+').test('abbc'), true);
    assert.equal(new LinearRegExp('z').test('abc'), false);
  });

  it('exec() of a global pattern starts at lastIndex, and past the end finds nothing and starts over', () => {
    for (const source of ['a', 'x*']) {
      const linear = new LinearRegExp(source, 'g');
      const native = new RegExp(source, 'g');
      for (const lastIndex of [0, 2, 3, 4, 9]) {
        linear.lastIndex = lastIndex;
        native.lastIndex = lastIndex;
        const found = linear.exec('aba');
        const expected = native.exec('aba');
        const at = `/${source}/g from ${lastIndex}`;
        assert.deepEqual(found && [...found, found.index], expected && [...expected, expected.index], at);
        assert.equal(linear.lastIndex, native.lastIndex, `lastIndex after ${at}`);
      }
    }
  });

  it('reports at least one step of work for every character it scans, so the expression budget counts it', () => {
    for (const [source, input] of [
      ['a+$', `${'a'.repeat(10_000)}b`],
      ['z', 'y'.repeat(10_000)],
      ['(a|b)*c', 'ab'.repeat(5_000)],
    ] as const) {
      let work = 0;
      new LinearRegExp(source, '', (steps) => {
        work += steps;
      }).exec(input);
      assert.ok(work >= input.length, `/${source}/: ${work} steps for ${input.length} characters`);
    }
  });

  it('exec() of a pattern without g ignores lastIndex and leaves it alone', () => {
    const linear = new LinearRegExp('a');
    linear.lastIndex = 9;
    const found = linear.exec('ba');
    assert.deepEqual(found && [...found, found.index, found.input], ['a', 1, 'ba']);
    assert.equal(linear.lastIndex, 9);
    assert.equal(linear.exec('bb'), null);
    assert.equal(linear.lastIndex, 9);
  });

  it('keeps the source and flags of the pattern it was made from', () => {
    const fromRegExp = new LinearRegExp(/a+b/gi);
    assert.deepEqual([fromRegExp.source, fromRegExp.flags, fromRegExp.global], ['a+b', 'gi', true]);
    const fromText = new LinearRegExp('a+b');
    assert.deepEqual([fromText.source, fromText.flags, fromText.global], ['a+b', '', false]);
    assert.equal(new LinearRegExp(/x/g, 'm').global, false, 'explicit flags replace those of the RegExp');
  });
});

describe('regexProblem says why the linear engine refuses a pattern', () => {
  const lookaround = 'lookaround assertions ((?=…), (?!…), (?<=…), (?<!…)) are not supported';
  const cases: [string, string][] = [
    ['a\\', '\\ at end of pattern'],
    ['*a', 'nothing to repeat'],
    ['a|+', 'nothing to repeat'],
    ['(?)', 'this kind of group is not supported'],
    ['a)', 'unexpected ")"'],
    ['(a', 'unterminated group'],
    ['(?:a', 'unterminated group'],
    ['[a', 'unterminated character class'],
    ['[z-a]', 'range out of order in character class'],
    ['(?<name', 'unterminated group name'],
    ['(?x)', 'this kind of group is not supported'],
    ['(?=a)', lookaround],
    ['(?!a)', lookaround],
    ['(?<=a)b', lookaround],
    ['(?<!a)b', lookaround],
    ['(a)(b)\\2', 'backreferences (\\2) are not supported'],
    ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'backreferences (\\10) are not supported'],
    ['(?<n>a)\\k<n>', 'backreferences (\\k<name>) are not supported'],
    ['\\1(?<!a)b', lookaround],
    ['\\1(?<=a)b', lookaround],
  ];
  for (const [source, reason] of cases) {
    it(`/${source}/: ${reason}`, () => {
      assert.equal(regexProblem(source, ''), `regular expression /${source}/: ${reason}`);
    });
  }

  const accepted: [string, string][] = [
    ['\\k<n>', 'without named groups, \\k is a letter k'],
    ['(a)\\2', 'a number past the groups is an octal escape'],
    ['(a)\\10', 'so is a number of two digits past the groups'],
    ['[(?=a)]', 'inside a class, (?= is three characters'],
    ['[\\1]', 'inside a class, \\1 is an octal escape'],
    ['\\(a\\)\\1', 'escaped parentheses open no group, so \\1 is an octal escape'],
    ['[(]a\\1', 'nor does a parenthesis inside a class'],
    ['[\\]()]a\\1', 'nor one after an escaped ] inside a class'],
  ];
  for (const [source, why] of accepted) {
    it(`/${source}/ runs: ${why}`, () => {
      assert.equal(regexProblem(source, ''), undefined);
    });
  }

  it('names a flag it does not support', () => {
    assert.throws(() => new LinearRegExp('a', 'gy'), { message: 'regular expression flag "y" is not supported' });
    assert.throws(() => new LinearRegExp('a', 'su'), { message: 'regular expression flag "su" is not supported' });
  });

  it('refuses a pattern too large once counted repetitions are expanded, naming it', () => {
    assert.equal(
      regexProblem('(?:ab){10000}', ''),
      'regular expression /(?:ab){10000}/ is too large once its counted repetitions ({n,m}) are expanded',
    );
    assert.equal(regexProblem('(?:ab){100}', ''), undefined);
  });
});
