import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import { RUN_FLOW_WORKFLOW, type RunFlowInput } from '@pipewright/run-contract';
import { compileTestFlow, finalState, startTestWorker, type TestWorker, within } from './test-support.ts';

/**
 * Every built-in function of JSONata 2.2 (the `staticFrame` bindings of jsonata.js, plus `$now` and `$millis`),
 * called once from a Transform in the sandbox runs use.  `$base64encode` / `$base64decode` used Node's `Buffer`,
 * which the workflow sandbox lacks; Pipewright registers its own.  Values whose result depends on the run (time,
 * randomness) are checked by shape in the second table.
 */
const EXACT: [name: string, expression: string, expected: unknown][] = [
  ['sum', '$sum([1, 2, 3])', 6],
  ['count', '$count([1, 2, 3])', 3],
  ['max', '$max([1, 5, 3])', 5],
  ['min', '$min([4, 2, 9])', 2],
  ['average', '$average([1, 2, 3, 4])', 2.5],
  ['string', '$string({"a": 1})', '{"a":1}'],
  ['substring', '$substring("Hello World", 3, 5)', 'lo Wo'],
  ['substringBefore', '$substringBefore("Hello World", " ")', 'Hello'],
  ['substringAfter', '$substringAfter("Hello World", " ")', 'World'],
  ['lowercase', '$lowercase("Hello")', 'hello'],
  ['uppercase', '$uppercase("Hello")', 'HELLO'],
  ['length', '$length("Hello")', 5],
  ['trim', '$trim("  a   b  ")', 'a b'],
  ['pad', '$pad("5", -3, "0")', '005'],
  ['match', '$match("ab12cd345", /\\d+/).match', ['12', '345']],
  ['contains', '$contains("abracadabra", /a.*a/)', true],
  ['replace', '$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")', 'Smith, John'],
  ['split', '$split("a,b,,c", ",")', ['a', 'b', '', 'c']],
  ['join', '$join(["a", "b", "c"], "-")', 'a-b-c'],
  ['formatNumber', '$formatNumber(1234.5678, "#,##0.00")', '1,234.57'],
  ['formatBase', '$formatBase(255, 16)', 'ff'],
  ['formatInteger', '$formatInteger(2789, "w")', 'two thousand, seven hundred and eighty-nine'],
  ['parseInteger', '$parseInteger("12,345", "#,##0")', 12345],
  ['number', '$number("0x12")', 18],
  ['floor', '$floor(5.8)', 5],
  ['ceil', '$ceil(5.2)', 6],
  ['round', '$round(123.456, 2)', 123.46],
  ['abs', '$abs(-5)', 5],
  ['sqrt', '$sqrt(16)', 4],
  ['power', '$power(2, 10)', 1024],
  ['boolean', '$boolean("x")', true],
  ['not', '$not(true)', false],
  ['map', '$map([1, 2, 3], function($v) { $v * 10 })', [10, 20, 30]],
  [
    'zip',
    '$zip([1, 2], ["a", "b"])',
    [
      [1, 'a'],
      [2, 'b'],
    ],
  ],
  ['filter', '$filter([1, 2, 3, 4], function($v) { $v % 2 = 0 })', [2, 4]],
  ['single', '$single([1, 2, 3], function($v) { $v = 2 })', 2],
  ['reduce', '$reduce([1, 2, 3, 4], function($a, $b) { $a + $b })', 10],
  ['sift', '$sift({"a": 1, "b": 2}, function($v) { $v > 1 })', { b: 2 }],
  ['keys', '$keys({"a": 1, "b": 2})', ['a', 'b']],
  ['lookup', '$lookup({"a": 1}, "a")', 1],
  ['append', '$append([1], [2, 3])', [1, 2, 3]],
  ['exists', '$exists(nothing)', false],
  ['spread', '$spread({"a": 1, "b": 2})', [{ a: 1 }, { b: 2 }]],
  ['merge', '$merge([{"a": 1}, {"b": 2}])', { a: 1, b: 2 }],
  ['reverse', '$reverse([1, 2, 3])', [3, 2, 1]],
  ['each', '$each({"a": 1}, function($v, $k) { $k & "=" & $v })', 'a=1'],
  ['assert', '$assert(1 = 1, "never shown") ? "fails" : "passes"', 'passes'],
  ['type', '$type([])', 'array'],
  ['sort', '$sort([3, 1, 2])', [1, 2, 3]],
  ['distinct', '$distinct([1, 1, 2, 2, 3])', [1, 2, 3]],
  ['base64encode', '$base64encode("myuser:mypass")', 'bXl1c2VyOm15cGFzcw=='],
  ['base64decode', '$base64decode("bXl1c2VyOm15cGFzcw==")', 'myuser:mypass'],
  ['encodeUrlComponent', '$encodeUrlComponent("?x=test")', '%3Fx%3Dtest'],
  ['encodeUrl', '$encodeUrl("https://example.com/a b")', 'https://example.com/a%20b'],
  ['decodeUrlComponent', '$decodeUrlComponent("%3Fx%3Dtest")', '?x=test'],
  ['decodeUrl', '$decodeUrl("https://example.com/a%20b")', 'https://example.com/a b'],
  ['eval', '$eval("[1, 2, 3].($ * 2)")', [2, 4, 6]],
  ['toMillis', '$toMillis("2017-11-07T15:07:54.972Z")', 1510067274972],
  ['fromMillis', '$fromMillis(1510067274972)', '2017-11-07T15:07:54.972Z'],
  ['clone', '$clone({"a": [1]})', { a: [1] }],
];

const SHAPED: [name: string, expression: string, check: (value: unknown) => boolean][] = [
  ['random', '$random()', (value) => typeof value === 'number' && value >= 0 && value < 1],
  ['shuffle', '$sort($shuffle([3, 1, 2]))', (value) => JSON.stringify(value) === '[1,2,3]'],
  ['now', '$now()', (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value))],
  ['millis', '$millis()', (value) => typeof value === 'number' && value > 1_600_000_000_000],
];

const taskQueue = uniqueName('jsonata-builtins-test');
let harness: TestWorker;

before(async () => {
  harness = await startTestWorker(taskQueue);
});

after(async () => {
  await harness?.stop();
});

async function run(fields: { name: string; value: string }[], extra: { id: string; config: unknown }[] = []) {
  const plan = compileTestFlow({
    flowId: 'flow-builtins',
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      { id: 'all', type: 'core.transform', config: { fields } },
      ...extra.map((node) => ({
        id: node.id,
        type: 'core.transform',
        config: node.config as Record<string, unknown>,
        settings: { onError: 'continue' },
      })),
    ],
    edges: [['hook', 'all'], ...extra.map((node): [string, string] => ['hook', node.id])],
  });
  const runId = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body: {} },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
  const handle = await harness.client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: runId,
    args: [input],
  });
  return within(`run ${runId} to end`, finalState(handle), 120_000);
}

describe('every JSONata built-in function in a Transform, in the workflow sandbox', () => {
  test('each returns what JSONata documents (and $error fails its node with its message)', async () => {
    const fields = [...EXACT, ...SHAPED].map(([name, expression]) => ({ name, value: `{{ ${expression} }}` }));
    const state = await run(fields, [
      { id: 'raises', config: { fields: [{ name: 'never', value: '{{ $error("custom failure") }}' }] } },
    ]);
    assert.equal(state.status, 'succeeded', JSON.stringify(state.error));
    const output = state.nodes.all?.output;
    assert.ok(typeof output === 'object' && output !== null);
    const values = new Map(Object.entries(output));
    for (const [name, expression, expected] of EXACT) {
      assert.deepEqual(values.get(name), expected, `${name}: ${expression}`);
    }
    for (const [name, expression, check] of SHAPED) {
      assert.ok(check(values.get(name)), `${name}: ${expression} gave ${JSON.stringify(values.get(name))}`);
    }
    assert.match(state.nodes.raises?.error?.message ?? '', /custom failure/);
  });
});
