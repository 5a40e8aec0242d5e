import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlow } from './compile.ts';
import { type CompileError, type ExecutionPlan, LOOP_ITEM_NODE_ID } from './plan.ts';
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

  it('checks resultNode against the body', () => {
    const errors = errorsOf(
      flow([webhook(), loop({ resultNode: 'nope' }), inside('each', transform('inner'))], [edge('hook', 'each')]),
    );
    assert.deepEqual(located(errors), [
      { code: 'invalid_config', nodeId: 'each', edgeId: undefined, field: 'config.resultNode' },
    ]);
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
  });
});
