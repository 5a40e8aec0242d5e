import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { compileFlow } from './compile.ts';
import type { CompileError } from './compile-result.ts';
import { catalog, http, node, options, transform, webhook } from './test-fixtures.ts';

const port = (source: string, sourcePort: string, target: string, id = `${source}_${sourcePort}_${target}`) => ({
  id,
  source,
  sourcePort,
  target,
});
const link = (source: string, target: string) => port(source, 'out', target, `${source}_${target}`);
const doc = (nodes: ReturnType<typeof node>[], edges: ReturnType<typeof port>[]) => ({
  schemaVersion: 1,
  nodes,
  edges,
});
const ifNode = (id: string, condition = '{{ trigger.body.ok }}') => node(id, 'core.if', { condition });
const merge = (id: string, config: Record<string, unknown> = {}) => node(id, 'core.merge', config);
const switchNode = (id: string, cases: unknown[]) => node(id, 'core.switch', { cases });

function compile(document: unknown) {
  return compileFlow(document, catalog, options);
}
function errorsOf(document: unknown): CompileError[] {
  const result = compile(document);
  if (result.ok) assert.fail('expected the flow not to compile');
  return result.errors;
}
function planOf(document: unknown): ExecutionPlan {
  const result = compile(document);
  if (!result.ok) assert.fail(`expected the flow to compile, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.plan;
}
const located = (errors: CompileError[]) =>
  errors.map(({ code, nodeId, edgeId, field }) => ({ code, nodeId, edgeId, field }));

/** hook → check(if) ─true→ yes ─┐
 *                    └false→ no ─┴→ join(merge) → after */
const branchFlow = (afterValue: string, mergeConfig: Record<string, unknown> = {}) =>
  doc(
    [
      webhook('hook'),
      ifNode('check'),
      transform('yes'),
      transform('no'),
      merge('join', mergeConfig),
      transform('after', afterValue),
    ],
    [
      link('hook', 'check'),
      port('check', 'true', 'yes'),
      port('check', 'false', 'no'),
      link('yes', 'join'),
      link('no', 'join'),
      link('join', 'after'),
    ],
  );

describe('control flow in the compiler', () => {
  it('compiles ports, inputs and onError into the plan', () => {
    const plan = planOf(
      doc(
        [
          webhook('hook'),
          ifNode('check'),
          { ...http('call'), settings: { onError: 'errorOutput' } },
          transform('handle', '{{ input.error.message }}'),
          transform('no'),
        ],
        [
          link('hook', 'check'),
          port('check', 'true', 'call'),
          port('check', 'false', 'no'),
          port('call', 'error', 'handle'),
        ],
      ),
    );
    const byId = new Map(plan.nodes.map((planNode) => [planNode.id, planNode]));
    assert.deepEqual(byId.get('check')?.outputs, ['true', 'false']);
    assert.deepEqual(byId.get('call')?.inputs, [{ nodeId: 'check', port: 'true' }]);
    assert.deepEqual(byId.get('call')?.outputs, ['out', 'error']);
    assert.equal(byId.get('call')?.onError, 'errorOutput');
    assert.deepEqual(byId.get('handle')?.inputs, [{ nodeId: 'call', port: 'error' }]);
    assert.equal(byId.get('no')?.onError, 'fail');
  });

  it('switch outputs are its case ids plus default', () => {
    const plan = planOf(
      doc(
        [
          webhook('hook'),
          switchNode('route', [
            { id: 'big', label: 'Big', condition: '{{ trigger.body.total > 100 }}' },
            { id: 'small', label: 'Small', condition: '{{ trigger.body.total <= 100 }}' },
          ]),
          transform('a'),
          transform('b'),
        ],
        [link('hook', 'route'), port('route', 'big', 'a'), port('route', 'default', 'b')],
      ),
    );
    assert.deepEqual(plan.nodes.find((planNode) => planNode.id === 'route')?.outputs, ['big', 'small', 'default']);
  });

  it('refuses an edge from a port the node does not have', () => {
    const errors = errorsOf(
      doc(
        [webhook('hook'), ifNode('check'), transform('a'), http('call'), transform('b')],
        [link('hook', 'check'), port('check', 'maybe', 'a'), link('hook', 'call'), port('call', 'error', 'b')],
      ),
    );
    assert.deepEqual(located(errors), [
      { code: 'unknown_port', nodeId: 'check', edgeId: 'check_maybe_a', field: 'sourcePort' },
      { code: 'unknown_port', nodeId: 'call', edgeId: 'call_error_b', field: 'sourcePort' },
    ]);
    assert.match(
      errors[0]?.message ?? '',
      /from output "maybe", which that node does not have \(its outputs: true, false\)/,
    );
    assert.match(errors[1]?.message ?? '', /On error/);
  });

  it('refuses a merge with one input', () => {
    const errors = errorsOf(doc([webhook('hook'), merge('join')], [link('hook', 'join')]));
    assert.deepEqual(located(errors), [
      { code: 'merge_needs_inputs', nodeId: 'join', edgeId: undefined, field: 'inputs' },
    ]);
    assert.match(errors[0]?.message ?? '', /Merge "join" has 1 incoming connection; connect at least two paths/);
    const none = errorsOf(doc([webhook('hook'), merge('join')], []));
    assert.match(
      none.find((error) => error.code === 'merge_needs_inputs')?.message ?? '',
      /Merge "join" has 0 incoming connections; connect/,
    );
  });

  it('only a Merge may wait for some of its paths: other joins wait for all', () => {
    const document = doc(
      [
        webhook('hook'),
        http('left'),
        http('right'),
        node('both', 'core.transform', { fields: [{ name: 'v', value: '{{ steps.left.status }}' }], wait: 'first' }),
      ],
      [link('hook', 'left'), link('hook', 'right'), link('left', 'both'), link('right', 'both')],
    );
    // A `wait` key in another step's config means nothing: the join waits for both, so reading left is safe.
    assert.ok(compile(document).ok, JSON.stringify(compile(document)));
  });

  it('refuses anyN without n, or with more than its inputs', () => {
    const flowWith = (config: Record<string, unknown>) =>
      doc(
        [webhook('hook'), transform('a'), transform('b'), merge('join', config)],
        [link('hook', 'a'), link('hook', 'b'), link('a', 'join'), link('b', 'join')],
      );
    const withoutN = errorsOf(flowWith({ wait: 'anyN' }));
    assert.deepEqual(located(withoutN), [
      { code: 'invalid_config', nodeId: 'join', edgeId: undefined, field: 'config.n' },
    ]);
    assert.equal(withoutN[0]?.message, 'Merge "join" waits for "any N" paths: say how many in "Number of paths"');
    assert.match(errorsOf(flowWith({ wait: 'anyN', n: 3 }))[0]?.message ?? '', /waits for 3 paths but has only 2/);
    assert.ok(compile(flowWith({ wait: 'anyN', n: 2 })).ok);
  });

  it('refuses switch case ids that are not identifier-like or repeat', () => {
    const errors = errorsOf(
      doc(
        [
          webhook('hook'),
          switchNode('route', [
            { id: 'big', condition: '{{ true }}' },
            { id: 'big', condition: '{{ true }}' },
            { id: '2 small', condition: '{{ true }}' },
            { id: 'default', condition: '{{ true }}' },
          ]),
        ],
        [link('hook', 'route')],
      ),
    );
    assert.deepEqual(located(errors), [
      { code: 'invalid_port_id', nodeId: 'route', edgeId: undefined, field: 'config.cases.1.id' },
      { code: 'invalid_port_id', nodeId: 'route', edgeId: undefined, field: 'config.cases.2.id' },
      { code: 'invalid_port_id', nodeId: 'route', edgeId: undefined, field: 'config.cases.3.id' },
    ]);
    assert.match(errors[0]?.message ?? '', /cases #2 reuses the id "big"/);
    assert.equal(
      errors[1]?.message,
      'Node "route": cases #3 needs an id made of letters, digits and _ (not starting with a digit), got "2 small"',
    );
    const unnamed = errorsOf(
      doc([webhook('hook'), switchNode('route', [{ condition: '{{ true }}' }])], [link('hook', 'route')]),
    );
    assert.match(
      unnamed.find((error) => error.code === 'invalid_port_id')?.message ?? '',
      /cases #1 needs an id .*, got ""$/,
    );
    const trailing = errorsOf(
      doc([webhook('hook'), switchNode('route', [{ id: 'big!', condition: '{{ true }}' }])], [link('hook', 'route')]),
    );
    assert.deepEqual(
      trailing.map((error) => error.field),
      ['config.cases.0.id'],
    );
  });

  describe('references to nodes that may not have run', () => {
    it('refuses a read, after a merge, of a node on one branch of an If', () => {
      const errors = errorsOf(branchFlow('{{ steps.yes.out }}'));
      assert.deepEqual(located(errors), [
        { code: 'reference_may_not_run', nodeId: 'after', edgeId: undefined, field: 'config.fields.0.value' },
      ]);
      assert.match(
        errors[0]?.message ?? '',
        /^Node "after" reads steps\.yes, which may not have run \(it is on a parallel/,
      );
    });

    it('refuses a read of a parallel branch after a merge that waits only for the first', () => {
      const parallel = (wait: string) =>
        doc(
          [
            webhook('hook'),
            http('left'),
            http('right'),
            merge('join', { wait }),
            transform('after', '{{ steps.left.status }}'),
          ],
          [
            link('hook', 'left'),
            link('hook', 'right'),
            link('left', 'join'),
            link('right', 'join'),
            link('join', 'after'),
          ],
        );
      assert.deepEqual(
        errorsOf(parallel('first')).map((error) => error.code),
        ['reference_may_not_run'],
      );
      // Waiting for all: both unconditional branches have certainly finished.
      assert.ok(compile(parallel('all')).ok);
    });

    it('refuses a read of a node whose error output may be taken instead', () => {
      const errors = errorsOf(
        doc(
          [
            webhook('hook'),
            { ...http('call'), settings: { onError: 'errorOutput' } },
            transform('ok'),
            transform('handle'),
            transform('plain'),
            merge('join'),
            transform('after', '{{ steps.ok.out }}'),
          ],
          [
            link('hook', 'call'),
            link('call', 'ok'),
            port('call', 'error', 'handle'),
            link('hook', 'plain'),
            link('ok', 'join'),
            link('plain', 'join'),
            link('join', 'after'),
          ],
        ),
      );
      assert.deepEqual(
        errors.map((error) => [error.code, error.nodeId]),
        [['reference_may_not_run', 'after']],
      );
    });

    it('accepts reads on the same branch, of the branch point, and of the trigger', () => {
      const document = doc(
        [
          webhook('hook'),
          ifNode('check'),
          transform('yes'),
          transform('yes_more', '{{ steps.yes.out & steps.check & steps.hook.body }}'),
          transform('no'),
          merge('join'),
          transform('after', '{{ steps.check }}'),
        ],
        [
          link('hook', 'check'),
          port('check', 'true', 'yes'),
          link('yes', 'yes_more'),
          port('check', 'false', 'no'),
          link('yes_more', 'join'),
          link('no', 'join'),
          link('join', 'after'),
        ],
      );
      assert.ok(compile(document).ok);
    });

    /** hook → a → … → `last`, and hook → side; a merge waiting for all joins `last` and side; `after` reads `read`. */
    const afterJoin = (
      nodes: ReturnType<typeof node>[],
      edges: ReturnType<typeof port>[],
      last: string,
      read: string,
    ) =>
      doc(
        [webhook('hook'), ...nodes, transform('side'), merge('join'), transform('after', `{{ steps.${read}.out }}`)],
        [...edges, link('hook', 'side'), link(last, 'join'), link('side', 'join'), link('join', 'after')],
      );

    it('counts a node after a conditional branch as conditional too', () => {
      const errors = errorsOf(
        afterJoin(
          [ifNode('check'), transform('yes'), transform('next')],
          [link('hook', 'check'), port('check', 'true', 'yes'), link('yes', 'next')],
          'next',
          'next',
        ),
      );
      assert.deepEqual(
        errors.map((error) => [error.code, error.nodeId]),
        [['reference_may_not_run', 'after']],
      );
    });

    it('counts the out branch of an event Wait as conditional (its timeout may fire instead)', () => {
      const errors = errorsOf(
        afterJoin(
          [node('pause', 'core.wait', { mode: 'event', timeoutSeconds: 60 }), transform('resumed'), transform('late')],
          [link('hook', 'pause'), link('pause', 'resumed'), port('pause', 'timeout', 'late')],
          'resumed',
          'resumed',
        ),
      );
      assert.deepEqual(
        errors.map((error) => [error.code, error.nodeId]),
        [['reference_may_not_run', 'after']],
      );
    });

    it('counts a join reached by an unconditional path as certain, even when its other input is conditional', () => {
      const document = afterJoin(
        [transform('a'), ifNode('check'), transform('b'), transform('both'), transform('next')],
        [
          link('hook', 'a'),
          link('hook', 'check'),
          port('check', 'true', 'b'),
          link('a', 'both'),
          link('b', 'both'),
          link('both', 'next'),
        ],
        'next',
        'next',
      );
      assert.ok(compile(document).ok, JSON.stringify(compile(document)));
    });

    it('keeps track of what ran in flows longer than 32 nodes', () => {
      const ids = Array.from({ length: 40 }, (_, index) => `n${index}`);
      const document = doc(
        [webhook('hook'), ...ids.map((id, index) => transform(id, index === 39 ? '{{ steps.n35.out }}' : 'x'))],
        [link('hook', 'n0'), ...ids.slice(1).map((id, index) => link(`n${index}`, id))],
      );
      assert.ok(compile(document).ok, JSON.stringify(compile(document)));
    });

    it('still reports a sibling that is not upstream at all as reference_not_upstream', () => {
      const errors = errorsOf(
        doc(
          [webhook('hook'), ifNode('check'), transform('yes'), transform('no', '{{ steps.yes.out }}')],
          [link('hook', 'check'), port('check', 'true', 'yes'), port('check', 'false', 'no')],
        ),
      );
      assert.deepEqual(
        errors.map((error) => error.code),
        ['reference_not_upstream'],
      );
    });
  });
});
