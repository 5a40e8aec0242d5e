import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinearRegExp, RegexSyntaxError, regexProblem } from './linear-regexp.ts';
import { allMatches, asciiJson } from './linear-regexp-fixtures.ts';

function assertSameAsNative(source: string, flags: string, input: string): void {
  const native = new RegExp(source, flags);
  const linear = new LinearRegExp(source, flags);
  assert.deepEqual(
    allMatches(linear, input),
    allMatches(native, input),
    `/${source}/${flags} on ${JSON.stringify(input)}`,
  );
}

describe('LinearRegExp matches like RegExp', () => {
  const cases: [string, string, string][] = [
    ['a', 'g', 'banana'],
    ['(\\d+)-(\\d+)', 'g', 'from 10-20 to 30-4'],
    ['(?<year>\\d{4})-(\\d\\d)', 'g', '2024-05 and 1999-12'],
    ['colou?r', 'gi', 'Color COLOUR colr'],
    ['^\\w+$', 'gm', 'one\ntwo words\nthree'],
    ['\\bfoo\\b', 'g', 'foo food foo_ (foo)'],
    ['a*?b', 'g', 'aaab ab b'],
    ['(a|ab)(c|bcd)(d*)', 'g', 'abcd'],
    ['((a)|b)+', 'g', 'ab'],
    ['(a*)*', 'g', 'b'],
    ['(a*)+', 'g', 'b'],
    ['(a?){0,2}', 'g', ''],
    ['(z)((a+)?(b+)?(c))*', 'g', 'zaacbbbcac'],
    ['[^a-c]+', 'g', 'abxyzcd'],
    ['[\\d-x]+', 'g', '1-x2 y'],
    ['[]', 'g', 'abc'],
    ['[^]', 'g', 'a\nb'],
    ['.+', 'g', 'line1\r\nline2\u2028x'],
    ['\\s+$', 'g', 'trail   '],
    ['[a-z]+', 'gi', 'HeLLo World'],
    ['[^a-z]', 'gi', 'aZ1'],
    ['\\x41\\u0042\\t\\cA', 'g', 'AB\t\u0001'],
    ['\\012\\8', 'g', '\n8'],
    ['a{2,3}?', 'g', 'aaaaaaa'],
    ['a{2,}', 'g', 'a aa aaaaa'],
    ['(?:ab){2}', 'g', 'abababab'],
    ['x*', 'g', 'axxb'],
    ['$', 'g', 'ab'],
    ['^', 'gm', 'a\nb'],
    ['\\Bo\\B', 'g', 'foo o boot'],
    ['k', 'gi', 'K\u212a'],
    ['[\\w.+-]+@[\\w-]+\\.[\\w.]+', 'g', 'mail ada@example.com, bob.x+y@mail.co.uk'],
  ];
  for (const [source, flags, input] of cases) {
    it(`/${source}/${flags} on ${asciiJson(input)}`, () => assertSameAsNative(source, flags, input));
  }

  it('agrees with RegExp on 3,000 random patterns and inputs (seeded)', () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
    const atom = (depth: number): string => {
      const roll = random();
      if (depth < 3 && roll < 0.2) return `(${pick(['', '?:'])}${alternation(depth + 1)})`;
      if (roll < 0.3) return pick(['[ab]', '[^a]', '\\w', '\\s', '.', '[a-c ]']);
      if (roll < 0.35) return pick(['^', '$', '\\b', '\\B']);
      return pick(['a', 'b', 'c', 'A', ' ']);
    };
    const quantified = (depth: number): string => {
      const base = atom(depth);
      if (['^', '$', '\\b', '\\B'].includes(base) || random() < 0.5) return base;
      return base + pick(['*', '+', '?', '{2}', '{1,3}', '{0,}']) + (random() < 0.3 ? '?' : '');
    };
    const sequence = (depth: number): string => {
      let out = '';
      const length = 1 + Math.floor(random() * 4);
      for (let index = 0; index < length; index++) out += quantified(depth);
      return out;
    };
    const alternation = (depth: number): string =>
      random() < 0.25 ? `${sequence(depth)}|${sequence(depth)}` : sequence(depth);
    for (let count = 0; count < 3000; count++) {
      const source = alternation(0);
      const flags = pick(['g', 'gi', 'gm', 'gim']);
      let input = '';
      const length = Math.floor(random() * 12);
      for (let index = 0; index < length; index++) input += pick(['a', 'b', 'c', 'A', ' ', '\n', 'x']);
      assertSameAsNative(source, flags, input);
    }
  });
});

describe('LinearRegExp runs in linear time', () => {
  const evil: [string, string][] = [
    ['^(a+)+$', `${'a'.repeat(50_000)}b`],
    ['(\\d+)*x', '1'.repeat(50_000)],
    ['^(a|aa)+$', `${'a'.repeat(50_000)}b`],
    ['\\s+$', `${' '.repeat(50_000)}x`],
    ['(.*a){12}', 'a'.repeat(5_000)],
  ];
  for (const [source, input] of evil) {
    it(`/${source}/ on ${input.length} characters does a bounded amount of work`, () => {
      let work = 0;
      const re = new LinearRegExp(source, 'g', (steps) => {
        work += steps;
      });
      re.exec(input);
      // Pike VM: at most (program size) thread steps per position, and the programs here are small.
      assert.ok(work < input.length * 400, `${work} steps`);
    });
  }
});

describe('regexProblem', () => {
  it('refuses backreferences and lookaround, which cannot run in linear time', () => {
    assert.match(regexProblem('(\\w+)\\s\\1', 'g') ?? '', /backreferences \(\\1\) are not supported/);
    assert.match(regexProblem('(?<word>a)\\k<word>', 'g') ?? '', /backreferences \(\\k<name>\) are not supported/);
    assert.match(regexProblem('a(?=b)', 'g') ?? '', /lookaround assertions/);
    assert.match(regexProblem('(?<!x)y', 'g') ?? '', /lookaround assertions/);
    assert.match(regexProblem('(?:a{1000}){1000}', 'g') ?? '', /too large/);
    assert.equal(regexProblem('(a+)+$', 'g'), undefined);
    assert.equal(regexProblem('\\1', 'g'), undefined, 'no group: \\1 is an octal escape');
  });

  it('LinearRegExp throws RegexSyntaxError for refused patterns and flags', () => {
    assert.throws(() => new LinearRegExp('(a)\\1', 'g'), RegexSyntaxError);
    assert.throws(() => new LinearRegExp('a', 'gu'), RegexSyntaxError);
  });
});
