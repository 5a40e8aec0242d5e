import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExecutionPlan, LOOP_ITEM_NODE_ID } from '@pipewright/run-contract';
import { compileFlow } from './compile.ts';
import type { CompileError } from './compile-result.ts';
import {
  catalog,
  edge,
  flow as fixtureFlow,
  http,
  node,
  options,
  type TestNode,
  transform,
  webhook,
} from './test-fixtures.ts';

/** Like the fixture's `flow`, but edges may carry a `sourcePort`. */
const flow = (
  nodes: TestNode[],
  edges: { id: string; source: string; target: string; sourcePort?: string }[] = [],
) => ({
  ...fixtureFlow(nodes),
  edges,
});
const compile = (document: unknown) => compileFlow(document, catalog, options);
function planOf(document: unknown): ExecutionPlan {
  const result = compile(document);
  if (!result.ok) assert.fail(`expected the flow to compile, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.plan;
}
function errorsOf(document: unknown): CompileError[] {
  const result = compile(document);
  assert.equal(result.ok, false, 'expected the flow not to compile');
  return result.ok ? [] : result.errors;
}
const located = (errors: CompileError[]) =>
  errors.map(({ code, nodeId, edgeId, field }) => ({ code, nodeId, edgeId, field }));
const inside = (loopId: string, child: TestNode): TestNode => ({ ...child, parentId: loopId }) as TestNode;
/** An edge leaving from a named port (the shared fixture's edges always leave from `out`). */
const fromPort = (source: string, port: string, target: string) => ({ ...edge(source, target), sourcePort: port });
const loop = (config: Record<string, unknown> = {}) =>
  node('each', 'core.loop', { items: '{{ trigger.body.items }}', ...config });

describe('loops', () => {
  it('compiles the body into a sub-plan whose entry reads the item, without stopWhen in the config', () => {
    const plan = planOf(
      flow(
        [
          webhook(),
          transform('prep', 'ready'),
          loop({ concurrency: 5, stopWhen: '{{ result.out = "stop" }}' }),
          inside('each', transform('double', '{{ item * 2 + index }}')),
          inside(
            'each',
            http('save', { url: 'https://api.example.com/x', body: '{{ steps.double.out & steps.prep.out }}' }),
          ),
          transform('after', '{{ $count(steps.each) }}'),
        ],
        [edge('hook', 'prep'), edge('prep', 'each'), edge('double', 'save'), edge('each', 'after')],
      ),
    );
    assert.deepEqual(
      plan.nodes.map((entry) => entry.id),
      ['hook', 'prep', 'each', 'after'],
    );
    const each = plan.nodes.find((entry) => entry.id === 'each');
    assert.deepEqual(each?.config, { items: '{{ trigger.body.items }}', concurrency: 5 });
    assert.deepEqual(each?.body?.entry, ['double']);
    assert.equal(each?.body?.resultNodeId, 'save', 'the last body node gives the result by default');
    assert.equal(each?.body?.stopWhen, '{{ result.out = "stop" }}');
    const [double, save] = each?.body?.nodes ?? [];
    assert.deepEqual(double?.inputs, [{ nodeId: LOOP_ITEM_NODE_ID, port: 'out' }]);
    assert.deepEqual(save?.inputs, [{ nodeId: 'double', port: 'out' }]);
    assert.equal(save?.runsIn, 'activity');
  });

  it('refuses a loop with nothing inside, naming its body', () => {
    const errors = errorsOf(flow([webhook(), loop()], [edge('hook', 'each')]));
    assert.deepEqual(located(errors), [{ code: 'loop_needs_body', nodeId: 'each', edgeId: undefined, field: 'body' }]);
    assert.match(errors[0]?.message ?? '', /no steps inside it/);
  });

  it('refuses connections across the body boundary and parents that are not loops', () => {
    const errors = errorsOf(
      flow(
        [webhook(), loop(), inside('each', transform('inner')), inside('hook', transform('stray')), transform('out')],
        [edge('hook', 'each'), edge('inner', 'out'), edge('each', 'out', 'each_out')],
      ),
    );
    assert.deepEqual(
      located(errors).map(({ code, nodeId, field }) => ({ code, nodeId, field })),
      [
        { code: 'invalid_parent', nodeId: 'stray', field: 'parentId' },
        { code: 'edge_crosses_loop', nodeId: 'out', field: 'target' },
      ],
    );
    assert.equal(
      errors[1]?.message,
      'Connection "inner_out" from "inner" to "out" crosses the edge of a loop body; nodes inside a Loop connect only to each other (the body gets each item as input, the Loop\'s output is the list of results)',
    );
    const lost = errorsOf(flow([webhook(), inside('nowhere', transform('lost'))], [edge('hook', 'lost')]));
    assert.deepEqual(
      lost.map((error) => error.code),
      ['invalid_parent'],
      'a connection to a node with a bad parent is not also reported as crossing a loop',
    );
    const leaving = errorsOf(
      flow(
        [webhook(), inside('nowhere', transform('lost')), transform('next')],
        [edge('hook', 'next'), edge('lost', 'next')],
      ),
    );
    assert.deepEqual(
      leaving.map((error) => error.code),
      ['invalid_parent'],
      'nor is a connection from such a node',
    );
  });

  it('lets body nodes read outer nodes that ran before the loop, not ones after it or in another branch', () => {
    const errors = errorsOf(
      flow(
        [
          webhook(),
          node('check', 'core.if', { condition: '{{ true }}' }),
          transform('maybe'),
          loop(),
          inside('each', transform('reads', '{{ steps.hook.body & steps.maybe.out & steps.later.out }}')),
          transform('later'),
        ],
        [edge('hook', 'check'), fromPort('check', 'true', 'maybe'), edge('hook', 'each'), edge('each', 'later')],
      ),
    );
    assert.deepEqual(
      errors.map((error) => [error.code, error.nodeId, error.message.match(/steps\.(\w+)/)?.[1]]),
      [
        ['reference_not_upstream', 'reads', 'maybe'],
        ['reference_not_upstream', 'reads', 'later'],
      ],
    );
  });

  it('gives each body node its place in the plan: entry nodes read the item, the last node is the result', () => {
    const plan = planOf(
      flow(
        [
          webhook(),
          loop(),
          inside('each', transform('first')),
          inside('each', transform('second', '{{ steps.first.out }}')),
          inside('each', transform('third', '{{ steps.second.out }}')),
        ],
        [edge('hook', 'each'), edge('first', 'second'), edge('second', 'third')],
      ),
    );
    const each = plan.nodes.find((entry) => entry.id === 'each');
    assert.equal(each?.body?.resultNodeId, 'third');
    assert.deepEqual(
      each?.body?.nodes.map((entry) => [entry.id, entry.upstream]),
      [
        ['first', ['$item']], // the synthetic item node: stored plans and the runtime know it by this id
        ['second', ['first']],
        ['third', ['second']],
      ],
    );
    assert.equal(
      each?.body?.nodes.some((entry) => Object.hasOwn(entry, 'body')),
      false,
    );
    assert.equal(Object.hasOwn(plan.nodes[0] ?? {}, 'body'), false, 'only a Loop has a body');
    assert.equal(Object.hasOwn(each?.body ?? {}, 'stopWhen'), false, 'no stopWhen, no key');
  });

  it('lets stopWhen read the body and what ran before the loop, and checks it like any expression', () => {
    const compiles = flow(
      [
        webhook(),
        loop({ stopWhen: '{{ steps.inner.out = steps.hook.body.last }}' }),
        inside('each', transform('inner')),
      ],
      [edge('hook', 'each')],
    );
    assert.equal(planOf(compiles).nodes[1]?.body?.stopWhen, '{{ steps.inner.out = steps.hook.body.last }}');
    const broken = flow(
      [
        webhook(),
        loop({ stopWhen: '{{ steps.after.out }}' }),
        inside('each', transform('inner')),
        inside('each', transform('inner2')),
        transform('after'),
      ],
      [edge('hook', 'each'), edge('each', 'after'), edge('inner', 'inner2')],
    );
    const errors = errorsOf(broken);
    assert.deepEqual(
      errors.map(({ code, nodeId, field }) => [code, nodeId, field]),
      [['reference_not_upstream', 'each', 'config.stopWhen']],
    );
    const syntax = errorsOf(
      flow(
        [webhook(), loop({ stopWhen: '{{ result. }}' }), inside('each', transform('inner'))],
        [edge('hook', 'each')],
      ),
    );
    assert.deepEqual(
      syntax.map(({ code, nodeId, field }) => [code, nodeId, field]),
      [['expression_syntax', 'each', 'config.stopWhen']],
    );
  });

  it('checks connections inside a body like the flow: a cycle there is named', () => {
    const errors = errorsOf(
      flow(
        [
          webhook(),
          loop(),
          inside('each', transform('a')),
          inside('each', transform('b')),
          inside('each', transform('c')),
        ],
        [edge('hook', 'each'), edge('a', 'b'), edge('b', 'c'), edge('c', 'b')],
      ),
    );
    assert.deepEqual(
      errors.map(({ code, nodeId, message }) => [code, nodeId, message]),
      [
        ['cycle', 'b', 'Node "b" is part of a loop ("b" → "c" → "b"); remove a connection that leads back'],
        ['cycle', 'c', 'Node "c" is part of a loop ("b" → "c" → "b"); remove a connection that leads back'],
      ],
    );
  });

  it('checks ports inside a body like the flow', () => {
    const errors = errorsOf(
      flow(
        [webhook(), loop(), inside('each', transform('a')), inside('each', transform('b'))],
        [edge('hook', 'each'), fromPort('a', 'maybe', 'b')],
      ),
    );
    assert.deepEqual(
      errors.map(({ code, nodeId }) => [code, nodeId]),
      [['unknown_port', 'a']],
    );
  });

  const parents: { name: string; nodes: TestNode[]; message: string }[] = [
    {
      name: 'a parent that does not exist',
      nodes: [inside('nowhere', transform('lost'))],
      message: 'Node "lost" is inside "nowhere", which does not exist',
    },
    {
      name: 'a trigger inside a loop',
      nodes: [loop(), inside('each', transform('inner')), inside('each', node('start', 'core.manual'))],
      message: 'Trigger "start" cannot be inside loop "each"; a trigger starts the whole flow',
    },
    {
      name: 'loops inside each other in a circle',
      nodes: [
        inside('outer', node('each', 'core.loop', { items: '{{ [1] }}' })),
        inside('each', node('outer', 'core.loop', { items: '{{ [1] }}' })),
        inside('each', transform('inner')),
      ],
      message: 'Node "each" is inside a loop that is (indirectly) inside itself',
    },
  ];
  for (const { name, nodes, message } of parents) {
    it(`refuses ${name}, on the node's parentId`, () => {
      const errors = errorsOf(flow([webhook(), ...nodes], []));
      const parentErrors = errors.filter((error) => error.code === 'invalid_parent');
      assert.deepEqual(parentErrors.map(({ field, message: text }) => [field, text]).slice(0, 1), [
        ['parentId', message],
      ]);
    });
  }

  it('checks resultNode against the body', () => {
    const errors = errorsOf(
      flow(
        [
          webhook(),
          loop({ resultNode: 'nope' }),
          inside('each', transform('inner')),
          inside('each', transform('tail')),
        ],
        [edge('hook', 'each'), edge('inner', 'tail')],
      ),
    );
    assert.deepEqual(located(errors), [
      { code: 'invalid_config', nodeId: 'each', edgeId: undefined, field: 'config.resultNode' },
    ]);
    assert.equal(errors[0]?.message, 'Loop "each": result node "nope" is not inside the loop (its steps: inner, tail)');
    const named = planOf(
      flow(
        [
          webhook(),
          loop({ resultNode: 'inner' }),
          inside('each', transform('inner')),
          inside('each', transform('tail')),
        ],
        [edge('hook', 'each'), edge('inner', 'tail')],
      ),
    );
    assert.equal(named.nodes[1]?.body?.resultNodeId, 'inner');
    const empty = errorsOf(flow([webhook(), loop({ resultNode: 'nope' })], [edge('hook', 'each')]));
    assert.deepEqual(
      empty.map((error) => error.code),
      ['loop_needs_body'],
    );
  });
});

describe('waits', () => {
  const wait = (config: Record<string, unknown>) => node('pause', 'core.wait', config);

  it('an event wait has a timeout port; a delay only out', () => {
    const plan = planOf(
      flow(
        [
          webhook(),
          wait({ mode: 'event', eventName: 'approval', timeoutSeconds: 60 }),
          transform('late'),
          node('d', 'core.wait', { durationSeconds: 1 }),
        ],
        [edge('hook', 'pause'), fromPort('pause', 'timeout', 'late'), edge('pause', 'd')],
      ),
    );
    assert.deepEqual(plan.nodes.find((entry) => entry.id === 'pause')?.outputs, ['out', 'timeout']);
    assert.deepEqual(plan.nodes.find((entry) => entry.id === 'd')?.outputs, ['out']);
  });

  const refusals: {
    name: string;
    config: Record<string, unknown>;
    edges?: ReturnType<typeof fromPort>[];
    field: string;
    message: string;
  }[] = [
    {
      name: 'a delay without a duration',
      config: { mode: 'delay' },
      field: 'config.durationSeconds',
      message: 'Wait "pause": say how long to wait',
    },
    {
      name: 'a wait of no mode and no duration (a delay)',
      config: {},
      field: 'config.durationSeconds',
      message: 'Wait "pause": say how long to wait',
    },
    {
      name: 'an until without a date',
      config: { mode: 'until' },
      field: 'config.until',
      message: 'Wait "pause": say until when to wait',
    },
    {
      name: 'an event wait without a timeout',
      config: { mode: 'event' },
      field: 'config.timeoutSeconds',
      message:
        'Wait "pause" waits for an event with no timeout: set one (and connect the "timeout" output, or the run fails when it passes)',
    },
    {
      name: 'an event wait with a timeout path but no timeout',
      config: { mode: 'event' },
      edges: [fromPort('pause', 'timeout', 'late')],
      field: 'config.timeoutSeconds',
      message: 'Wait "pause" has a "timeout" path but no timeout: say after how many seconds to take it',
    },
    {
      name: "an event wait without a timeout beside another wait's timeout path",
      config: { mode: 'event' },
      edges: [fromPort('other', 'timeout', 'late')],
      field: 'config.timeoutSeconds',
      message:
        'Wait "pause" waits for an event with no timeout: set one (and connect the "timeout" output, or the run fails when it passes)',
    },
  ];
  for (const { name, config, edges = [], field, message } of refusals) {
    it(`refuses ${name}`, () => {
      const other = node('other', 'core.wait', { mode: 'event', timeoutSeconds: 5 });
      const errors = errorsOf(
        flow(
          [webhook(), wait(config), other, transform('late')],
          [edge('hook', 'pause'), edge('hook', 'other'), edge('pause', 'late', 'pause_then_late'), ...edges],
        ),
      );
      assert.deepEqual(
        errors.map((error) => [
          error.code === 'wait_needs_timeout' ? 'invalid_config' : error.code,
          error.field,
          error.message,
        ]),
        [['invalid_config', field, message]],
      );
    });
  }

  it('refuses an until with an empty date, saying what to do', () => {
    const errors = errorsOf(flow([webhook(), wait({ mode: 'until', until: '' })], [edge('hook', 'pause')]));
    assert.ok(
      errors.some(
        (error) => error.field === 'config.until' && error.message === 'Wait "pause": say until when to wait',
      ),
      JSON.stringify(errors),
    );
  });

  it('until a date: accepted', () => {
    assert.equal(
      planOf(flow([webhook(), wait({ mode: 'until', until: '2030-01-01T00:00:00Z' })], [edge('hook', 'pause')])).nodes
        .length,
      2,
    );
  });

  it('refuses an event wait without a timeout, naming config.timeoutSeconds', () => {
    const errors = errorsOf(flow([webhook(), wait({ mode: 'event' })], [edge('hook', 'pause')]));
    assert.deepEqual(located(errors), [
      { code: 'wait_needs_timeout', nodeId: 'pause', edgeId: undefined, field: 'config.timeoutSeconds' },
    ]);
  });

  it('refuses a delay without a duration, a timeout edge from a delay, and an event wait inside a loop', () => {
    const errors = errorsOf(
      flow(
        [
          webhook(),
          wait({ mode: 'delay' }),
          transform('t'),
          loop(),
          inside('each', node('w', 'core.wait', { mode: 'event', timeoutSeconds: 5 })),
        ],
        [edge('hook', 'pause'), fromPort('pause', 'timeout', 't'), edge('hook', 'each')],
      ),
    );
    assert.deepEqual(
      located(errors).map(({ code, nodeId, field }) => [code, nodeId, field]),
      [
        ['unknown_port', 'pause', 'sourcePort'],
        ['invalid_config', 'pause', 'config.durationSeconds'],
        ['unsupported_in_loop', 'w', 'config.mode'],
      ],
    );
    assert.equal(
      errors.at(-1)?.message,
      'Wait "w" waits for an event inside a loop body; resumes address a run, not one iteration — wait before or after the loop',
    );
  });
});
