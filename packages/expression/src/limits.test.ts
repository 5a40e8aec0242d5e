import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64decode, base64encode, DEFAULT_EXPRESSION_LIMITS, ExpressionLimitError } from './limits.ts';
import { checkTemplate, evaluateExpression, evaluateTemplate } from './template.ts';

const RECURSION_WITHOUT_BASE_CASE = '($f := function($n) { 1 + $f($n + 1) }; $f(0))';
const ENDLESS_TAIL_RECURSION = '($f := function($n) { $f($n + 1) }; $f(0))';

async function limitErrorOf(promise: Promise<unknown>): Promise<ExpressionLimitError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExpressionLimitError, `expected an ExpressionLimitError, got ${String(error)}`);
    return error;
  }
  assert.fail('the evaluation did not fail');
}

describe('expression limits', () => {
  it('stops a recursive function without a base case at the depth limit', async () => {
    const error = await limitErrorOf(evaluateExpression(RECURSION_WITHOUT_BASE_CASE, {}));
    assert.equal(error.limit, 'depth');
    assert.equal(
      error.message,
      'expression nested deeper than 500 levels: a recursive function that never reaches its base case?',
    );
  });

  it('stops endless tail recursion (which never grows the call depth) at the step limit', async () => {
    const error = await limitErrorOf(evaluateExpression(ENDLESS_TAIL_RECURSION, {}));
    assert.equal(error.limit, 'steps');
    assert.match(error.message, /^expression exceeded its time limit of 5,000 evaluation steps/);
  });

  it('counts deterministically: the same evaluation stops at the same step, whatever the clock says', async () => {
    // A budget that the 100-iteration recursion below fits in exactly once; one step less fails.
    const source = '($f := function($n) { $n = 0 ? 0 : $f($n - 1) }; $f(100))';
    let fits = 0;
    for (let steps = 1; steps < 10_000; steps *= 2) {
      const ok = await evaluateExpression(source, {}, { maxSteps: steps, maxDepth: 500 }).then(
        () => true,
        () => false,
      );
      if (ok) {
        fits = steps;
        break;
      }
    }
    assert.ok(fits > 0);
    let low = fits / 2;
    let high = fits;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      const ok = await evaluateExpression(source, {}, { maxSteps: middle, maxDepth: 500 }).then(
        () => true,
        () => false,
      );
      if (ok) high = middle;
      else low = middle;
    }
    for (let repeat = 0; repeat < 3; repeat++) {
      assert.equal(await evaluateExpression(source, {}, { maxSteps: high, maxDepth: 500 }), 0);
      await limitErrorOf(evaluateExpression(source, {}, { maxSteps: high - 1, maxDepth: 500 }));
    }
  });

  it('lets ordinary work through: recursion 150 deep, and mapping 300 items', async () => {
    assert.equal(await evaluateExpression('($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(150))', {}), 150);
    const items = Array.from({ length: 300 }, (_, id) => ({ id, name: `item ${id}` }));
    const mapped = await evaluateExpression('items.{ "id": id, "label": $uppercase(name) }', { items });
    assert.ok(Array.isArray(mapped));
    assert.equal(mapped.length, 300);
  });

  it('meters each evaluation on its own, also when evaluations interleave', async () => {
    const limits = { maxSteps: 5_000, maxDepth: 100 };
    const results = await Promise.allSettled([
      evaluateExpression(ENDLESS_TAIL_RECURSION, {}, limits),
      evaluateExpression('$sum([1..100])', {}, limits),
      evaluateExpression(RECURSION_WITHOUT_BASE_CASE, {}, limits),
      evaluateExpression('$sum([1..100])', {}, limits),
    ]);
    assert.deepEqual(
      results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
      [
        'expression exceeded its time limit of 5,000 evaluation steps: a function that never stops, or too much work for one expression',
        5050,
        'expression nested deeper than 100 levels: a recursive function that never reaches its base case?',
        5050,
      ],
    );
  });

  it('applies inside templates with text around the expression', async () => {
    await limitErrorOf(evaluateTemplate(`Result: {{ ${ENDLESS_TAIL_RECURSION} }}`, {}));
  });

  it('has documented defaults', () => {
    assert.deepEqual({ ...DEFAULT_EXPRESSION_LIMITS }, { maxSteps: 5_000, maxDepth: 500 });
  });
});

describe('regular expressions cannot backtrack without bound', () => {
  const input = `${'a'.repeat(30_000)}!`;
  const cases: [string, unknown][] = [
    ['$match(s, /^(a+)+$/)', null],
    ['$contains(s, /^(a|aa)+$/)', false],
    ['$replace(s, /(a*)*b/, "x")', input],
    ['$split("a1b22c", /\\d+/)', ['a', 'b', 'c']],
    ['$replace(s, /\\s+$/, "")', input],
  ];
  for (const [source, expected] of cases) {
    it(`${source} on 30,000 characters returns in linear time`, async () => {
      assert.deepEqual(await evaluateExpression(source, { s: input }), expected);
    });
  }

  it('meters regex work against the same step budget', async () => {
    const error = await limitErrorOf(
      evaluateExpression('$match(s, /(a+)+b/)', { s: 'a'.repeat(100_000) }, { maxSteps: 100, maxDepth: 500 }),
    );
    assert.equal(error.limit, 'steps');
  });

  it('keeps JavaScript match semantics: groups, flags, replacement references', async () => {
    assert.deepEqual(await evaluateExpression('$match("From 10-20, to 30-40", /(\\d+)-(\\d+)/).groups', {}), [
      '10',
      '20',
      '30',
      '40',
    ]);
    assert.equal(await evaluateExpression('$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")', {}), 'Smith, John');
    assert.equal(await evaluateExpression('$contains("HELLO", /hel+o/i)', {}), true);
  });

  it('refuses backreferences and lookaround at compile time (checkTemplate) and at run time', async () => {
    assert.deepEqual(checkTemplate('{{ $match(name, /(\\w)\\1/) }}'), [
      { message: 'regular expression /(\\w)\\1/: backreferences (\\1) are not supported', position: 24 },
    ]);
    assert.match(checkTemplate('{{ $contains(x, /a(?!b)/) }}')[0]?.message ?? '', /lookaround assertions/);
    await assert.rejects(evaluateExpression('$match("aa", /(a)\\1/)', {}), /backreferences \(\\1\) are not supported/);
  });
});

describe('$base64encode / $base64decode without Buffer', () => {
  const samples = ['', 'a', 'ab', 'abc', 'hello world', 'héllo \u00ff\u0000', 'ab\u0000', 'x'.repeat(1000)];
  for (const text of samples) {
    it(`round-trips ${JSON.stringify(text.slice(0, 20))} as Node's Buffer does`, () => {
      const expected = Buffer.from(text, 'binary').toString('base64');
      assert.equal(base64encode(text), expected);
      assert.equal(base64decode(expected), Buffer.from(expected, 'base64').toString('binary'));
    });
  }

  it('decodes leniently like Buffer: URL-safe alphabet, no padding, whitespace, nothing after the padding', () => {
    for (const encoded of ['aGk', 'aGk=', 'a G\nk=', '-_-_', 'YWJj ZGVm', 'aGk=aGk=']) {
      assert.equal(base64decode(encoded), Buffer.from(encoded, 'base64').toString('binary'), encoded);
    }
  });

  it('is what $base64encode and $base64decode use, even where Buffer is missing', async () => {
    const saved = globalThis.Buffer;
    Reflect.deleteProperty(globalThis, 'Buffer');
    try {
      assert.equal(await evaluateExpression('$base64encode("myuser:mypass")', {}), 'bXl1c2VyOm15cGFzcw==');
      assert.equal(await evaluateExpression('$base64decode("bXl1c2VyOm15cGFzcw==")', {}), 'myuser:mypass');
    } finally {
      globalThis.Buffer = saved;
    }
  });
});
