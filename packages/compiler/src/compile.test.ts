import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPRESSION_ENGINE } from '@pipewright/expression';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { canonicalJson } from './canonical-json.ts';
import { compileFlow } from './compile.ts';
import type { CompileError } from './compile-result.ts';
import { catalog, edge, flow, http, node, options, transform, webhook } from './test-fixtures.ts';

function errorsOf(document: unknown): CompileError[] {
  const result = compileFlow(document, catalog, options);
  assert.equal(result.ok, false, 'expected the flow not to compile');
  return result.ok ? [] : result.errors;
}

function planOf(document: unknown, compileOptions = options): ExecutionPlan {
  const result = compileFlow(document, catalog, compileOptions);
  if (!result.ok) assert.fail(`expected the flow to compile, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.plan;
}

/** Code, node, edge and field of each error: what the editor uses to place it. */
const located = (errors: CompileError[]) =>
  errors.map(({ code, nodeId, edgeId, field }) => ({ code, nodeId, edgeId, field }));

const validFlow = () =>
  flow(
    [
      webhook('hook'),
      transform('enrich', '{{ $uppercase(trigger.body.email) }}'),
      http('send', { url: 'https://api.example.com/users', method: 'POST', body: '{{ steps.enrich }}' }),
    ],
    [edge('hook', 'enrich'), edge('enrich', 'send')],
  );

interface ErrorCase {
  name: string;
  document: unknown;
  expected: { code: CompileError['code']; nodeId?: string; edgeId?: string; field?: string }[];
  message?: RegExp;
}

const errorCases: ErrorCase[] = [
  {
    name: 'a flow without a trigger',
    document: flow([transform('a'), http('b')], [edge('a', 'b')]),
    expected: [{ code: 'no_trigger' }],
    message: /no trigger/,
  },
  {
    name: 'a second trigger (reported on every trigger after the first)',
    document: flow([webhook('hook'), node('manual', 'core.manual'), node('manual2', 'core.manual')]),
    expected: [
      { code: 'multiple_triggers', nodeId: 'manual' },
      { code: 'multiple_triggers', nodeId: 'manual2' },
    ],
    message: /second trigger/,
  },
  {
    name: 'a connection into the trigger',
    document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('a', 'hook', 'back')]),
    expected: [
      { code: 'trigger_has_input', nodeId: 'hook', edgeId: 'back', field: 'target' },
      { code: 'cycle', nodeId: 'hook' },
      { code: 'cycle', nodeId: 'a' },
    ],
    message: /takes no input/,
  },
  {
    name: 'a cycle, reported on every node in it',
    document: flow(
      [webhook('hook'), transform('a'), transform('b'), transform('c')],
      [edge('hook', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a')],
    ),
    expected: [
      { code: 'cycle', nodeId: 'a' },
      { code: 'cycle', nodeId: 'b' },
      { code: 'cycle', nodeId: 'c' },
    ],
    message: /"a" → "b" → "c" → "a"/,
  },
  {
    name: 'a node connected to itself',
    document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('a', 'a')]),
    expected: [{ code: 'cycle', nodeId: 'a' }],
  },
  {
    name: 'a connection from a node that does not exist',
    document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('ghost', 'a', 'e_ghost')]),
    expected: [{ code: 'dangling_edge', edgeId: 'e_ghost', field: 'source' }],
    message: /"ghost", which does not exist/,
  },
  {
    name: 'a connection to a node that does not exist',
    document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('a', 'gone', 'e_gone')]),
    expected: [{ code: 'dangling_edge', edgeId: 'e_gone', field: 'target' }],
  },
  {
    name: 'an unknown step type',
    document: flow([webhook('hook'), node('post', 'slack.sendMessage')], [edge('hook', 'post')]),
    expected: [{ code: 'unknown_step_type', nodeId: 'post', field: 'type' }],
    message: /"slack\.sendMessage", which is not installed/,
  },
  {
    name: 'a step version the catalog does not have',
    document: flow([webhook('hook'), { ...http('send'), typeVersion: 2 }], [edge('hook', 'send')]),
    expected: [{ code: 'unknown_step_version', nodeId: 'send', field: 'typeVersion' }],
    message: /version 2 of "http\.request", but the catalog has version 1/,
  },
  {
    name: 'a missing required field, named by its UI label',
    document: flow([webhook('hook'), http('send', { method: 'GET' })], [edge('hook', 'send')]),
    expected: [{ code: 'invalid_config', nodeId: 'send', field: 'config.url' }],
    message: /^URL is required$/,
  },
  {
    name: 'a value outside the enum',
    document: flow([webhook('hook'), http('send', { url: 'https://x.test', method: 'FETCH' })], [edge('hook', 'send')]),
    expected: [{ code: 'invalid_config', nodeId: 'send', field: 'config.method' }],
    message: /must be one of GET, POST/,
  },
  {
    name: 'a value of the wrong type',
    document: flow([webhook('hook'), node('t', 'core.transform', { keepInput: 'yes' })], [edge('hook', 't')]),
    expected: [{ code: 'invalid_config', nodeId: 't', field: 'config.keepInput' }],
    message: /Keep input fields must be true or false/,
  },
  {
    name: 'a URL that is not a URL',
    document: flow([webhook('hook'), http('send', { url: 'api.example.com' })], [edge('hook', 'send')]),
    expected: [{ code: 'invalid_config', nodeId: 'send', field: 'config.url' }],
  },
  {
    name: 'a nested field inside a list',
    document: flow(
      [
        webhook('hook'),
        node('t', 'core.transform', {
          fields: [
            { name: 'ok', value: 1 },
            { name: '', value: 2 },
          ],
        }),
      ],
      [edge('hook', 't')],
    ),
    expected: [{ code: 'invalid_config', nodeId: 't', field: 'config.fields.1.name' }],
    message: /Fields › item 2 › name must not be empty/,
  },
  {
    name: 'an expression with a syntax error',
    document: flow([webhook('hook'), transform('t', '{{ trigger.body. }}')], [edge('hook', 't')]),
    expected: [{ code: 'expression_syntax', nodeId: 't', field: 'config.fields.0.value' }],
    message: /config\.fields\.0\.value is invalid at character \d+/,
  },
  {
    name: 'an empty expression, at its character in the whole field (counted from 1)',
    document: flow([webhook('hook'), transform('t', 'Hi {{ }}')], [edge('hook', 't')]),
    expected: [{ code: 'expression_syntax', nodeId: 't', field: 'config.fields.0.value' }],
    message: /^Node "t": the expression in config\.fields\.0\.value is invalid at character 6: empty expression$/,
  },
  {
    name: 'an unclosed expression',
    document: flow(
      [webhook('hook'), http('send', { url: 'https://x.test/{{ trigger.body.id' })],
      [edge('hook', 'send')],
    ),
    expected: [{ code: 'expression_syntax', nodeId: 'send', field: 'config.url' }],
    message: /never closed/,
  },
  {
    name: 'a reference to a node that runs later',
    document: flow(
      [webhook('hook'), transform('enrich', '{{ steps.send.status }}'), http('send')],
      [edge('hook', 'enrich'), edge('enrich', 'send')],
    ),
    expected: [{ code: 'reference_not_upstream', nodeId: 'enrich', field: 'config.fields.0.value' }],
    message: /^Node "enrich" reads steps\.send, which does not run before it/,
  },
  {
    name: 'a reference to a sibling branch',
    document: flow(
      [webhook('hook'), transform('left'), http('right', { url: 'https://x.test/{{ steps.left.out }}' })],
      [edge('hook', 'left'), edge('hook', 'right')],
    ),
    expected: [{ code: 'reference_not_upstream', nodeId: 'right', field: 'config.url' }],
    message: /reads steps\.left, which does not run before it/,
  },
  {
    name: 'a reference to the node itself',
    document: flow([webhook('hook'), transform('t', '{{ steps.t.out }}')], [edge('hook', 't')]),
    expected: [{ code: 'reference_not_upstream', nodeId: 't', field: 'config.fields.0.value' }],
    message: /its own output/,
  },
  {
    name: 'a reference to a node that does not exist',
    document: flow([webhook('hook'), transform('t', '{{ steps["nope"].out }}')], [edge('hook', 't')]),
    expected: [{ code: 'reference_not_upstream', nodeId: 't', field: 'config.fields.0.value' }],
    message: /the flow has no node "nope"/,
  },
  {
    name: 'a node the trigger never reaches',
    document: flow([webhook('hook'), transform('a'), transform('lonely')], [edge('hook', 'a')]),
    expected: [{ code: 'unreachable_node', nodeId: 'lonely' }],
    message: /never run/,
  },
  {
    name: 'a document that does not match the flow schema',
    document: flow([
      webhook('hook'),
      { ...transform('a'), typeVersion: 'one' } as unknown as ReturnType<typeof webhook>,
    ]),
    expected: [{ code: 'invalid_document', nodeId: 'a', field: 'typeVersion' }],
  },
];

describe('compileFlow errors', () => {
  for (const testCase of errorCases) {
    it(`reports ${testCase.name}`, () => {
      const errors = errorsOf(testCase.document);
      const expected = testCase.expected.map(({ code, nodeId, edgeId, field }) => ({ code, nodeId, edgeId, field }));
      assert.deepEqual(located(errors), expected);
      const pattern = testCase.message;
      if (pattern)
        assert.ok(
          errors.some((error) => pattern.test(error.message)),
          `no message matches ${pattern}: ${JSON.stringify(errors)}`,
        );
    });
  }

  it('collects every error instead of stopping at the first', () => {
    const errors = errorsOf(
      flow(
        [webhook('hook'), http('send', {}), node('mystery', 'acme.thing'), transform('late', '{{ steps.ghost }}')],
        [edge('hook', 'send'), edge('hook', 'late'), edge('send', 'nowhere', 'dangling')],
      ),
    );
    assert.deepEqual(
      located(errors)
        .map((error) => error.code)
        .sort(),
      ['dangling_edge', 'invalid_config', 'reference_not_upstream', 'unknown_step_type', 'unreachable_node'],
    );
  });

  const messages: { name: string; document: unknown; errors: Partial<CompileError>[] }[] = [
    {
      name: 'a connection from a missing node, into the trigger: only the missing node is reported',
      document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('ghost', 'hook', 'e_ghost')]),
      errors: [
        {
          code: 'dangling_edge',
          edgeId: 'e_ghost',
          field: 'source',
          message: 'Connection "e_ghost" starts at node "ghost", which does not exist',
        },
      ],
    },
    {
      name: 'a connection to a missing node',
      document: flow([webhook('hook'), transform('a')], [edge('hook', 'a'), edge('a', 'gone', 'e_gone')]),
      errors: [
        {
          code: 'dangling_edge',
          edgeId: 'e_gone',
          field: 'target',
          message: 'Connection "e_gone" leads to node "gone", which does not exist',
        },
      ],
    },
    {
      name: 'a bad field deep inside a node',
      document: {
        ...flow([], [edge('hook', 'a')]),
        nodes: [webhook('hook'), { ...transform('a'), position: { x: 'left', y: 0 } }],
      },
      errors: [
        {
          code: 'invalid_document',
          nodeId: 'a',
          field: 'position.x',
          message: 'Node "a": position.x: Invalid input: expected number, received string',
        },
      ],
    },
    {
      name: 'a bad field of a connection',
      document: { ...flow([webhook('hook'), transform('a')]), edges: [{ ...edge('hook', 'a'), sourcePort: '' }] },
      errors: [
        {
          code: 'invalid_document',
          edgeId: 'hook_a',
          field: 'sourcePort',
          message: 'Connection "hook_a": sourcePort: Too small: expected string to have >=1 characters',
        },
      ],
    },
    {
      name: 'a flow setting out of range, named by its whole path',
      document: { ...flow([webhook('hook')]), settings: { runTimeoutMs: 10 } },
      errors: [
        {
          code: 'invalid_document',
          field: 'settings.runTimeoutMs',
          message: 'settings.runTimeoutMs: Too small: expected number to be >=1000',
        },
      ],
    },
    {
      name: 'a document of another schema version',
      document: { ...flow([webhook('hook')]), schemaVersion: 2 },
      errors: [
        { code: 'invalid_document', field: 'schemaVersion', message: 'schemaVersion: Invalid input: expected 1' },
      ],
    },
    {
      name: 'something that is no document at all',
      document: 'flow',
      errors: [{ code: 'invalid_document', message: 'Invalid input: expected object, received string' }],
    },
  ];
  for (const { name, document, errors } of messages) {
    it(`says what is wrong with ${name}`, () => {
      assert.deepEqual(errorsOf(document), errors);
    });
  }

  it('reports a cycle once, not the reads of the nodes caught in it', () => {
    const errors = errorsOf(
      flow(
        [webhook('hook'), transform('a'), transform('b', '{{ steps.a.out }}'), transform('c', '{{ steps.b.out }}')],
        [edge('hook', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'b')],
      ),
    );
    assert.deepEqual(
      errors.map((error) => [error.code, error.nodeId]),
      [
        ['cycle', 'b'],
        ['cycle', 'c'],
      ],
    );
  });

  it('accepts template strings where the schema wants another type', () => {
    const plan = planOf(
      flow(
        [
          webhook('hook'),
          node('t', 'core.transform', { keepInput: '{{ trigger.body.keep }}', fields: '{{ trigger.body.fields }}' }),
        ],
        [edge('hook', 't')],
      ),
    );
    assert.equal(plan.nodes[1]?.config.keepInput, '{{ trigger.body.keep }}');
  });

  it('accepts references to any transitive predecessor', () => {
    const plan = planOf(
      flow(
        [
          webhook('hook'),
          transform('a'),
          transform('b', '{{ steps.a.out }}'),
          http('c', { url: 'https://x.test/{{ steps.a.out }}/{{ steps.hook.body }}' }),
        ],
        [edge('hook', 'a'), edge('a', 'b'), edge('b', 'c')],
      ),
    );
    assert.deepEqual(
      plan.nodes.map((planNode) => planNode.id),
      ['hook', 'a', 'b', 'c'],
    );
  });
});

describe('compileFlow plan', () => {
  it('compiles webhook → transform → http.request with resolved options', () => {
    const document = validFlow();
    document.nodes[2] = {
      ...http('send', { url: 'https://api.example.com/users', method: 'POST', body: '{{ steps.enrich }}' }),
      settings: { retry: { maxAttempts: 5 } },
    };
    const plan = planOf(document, {
      ...options,
      defaults: { retry: { maxAttempts: 7, backoffCoefficient: 3 }, timeoutMs: 15_000 },
    });

    assert.equal(plan.planFormat, 1);
    assert.equal(plan.flowId, 'flow_1');
    assert.equal(plan.version, 3);
    assert.equal(plan.hash, '');
    assert.equal(plan.triggerNodeId, 'hook');
    assert.equal(plan.expressionEngine, EXPRESSION_ENGINE);
    assert.deepEqual(
      plan.nodes.map(({ id, kind, runsIn, upstream, title, taskQueue }) => ({
        id,
        kind,
        runsIn,
        upstream,
        title,
        taskQueue,
      })),
      [
        {
          id: 'hook',
          kind: 'trigger',
          runsIn: 'workflow',
          upstream: [],
          title: 'Webhook',
          taskQueue: 'pipewright-steps',
        },
        {
          id: 'enrich',
          kind: 'transform',
          runsIn: 'workflow',
          upstream: ['hook'],
          title: 'Transform',
          taskQueue: 'pipewright-steps',
        },
        {
          id: 'send',
          kind: 'action',
          runsIn: 'activity',
          upstream: ['enrich'],
          title: 'HTTP request',
          taskQueue: 'pipewright-steps',
        },
      ],
    );
    // transform: no manifest retry → flow defaults over platform defaults
    assert.deepEqual(plan.nodes[1]?.retry, {
      maxAttempts: 7,
      initialIntervalMs: 1000,
      backoffCoefficient: 3,
      maxIntervalMs: 60_000,
    });
    assert.equal(plan.nodes[1]?.timeoutMs, 15_000);
    // http.request: node settings over manifest (3 / 1 s / ×2 / 30 s, 30 s timeout) over flow defaults
    assert.deepEqual(plan.nodes[2]?.retry, {
      maxAttempts: 5,
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maxIntervalMs: 30_000,
    });
    assert.equal(plan.nodes[2]?.timeoutMs, 30_000);
    assert.deepEqual(plan.nodes[2]?.config, {
      url: 'https://api.example.com/users',
      method: 'POST',
      body: '{{ steps.enrich }}',
      headers: {},
      query: {},
      responseFormat: 'auto',
    });
  });

  it('uses platform defaults when nothing else is set, and the node title and timeout when given', () => {
    const document = flow(
      [webhook('hook'), { ...transform('t'), title: 'Tidy up', settings: { timeoutMs: 500 } }],
      [edge('hook', 't')],
    );
    const plan = planOf(document);
    assert.deepEqual(plan.nodes[1]?.retry, {
      maxAttempts: 3,
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maxIntervalMs: 60_000,
    });
    assert.equal(plan.nodes[1]?.timeoutMs, 500);
    assert.equal(plan.nodes[1]?.title, 'Tidy up');
    assert.equal(plan.nodes[0]?.timeoutMs, 60_000);
    assert.equal(plan.nodes[0]?.config.method, 'POST', 'schema defaults are filled in');
  });

  it('gives a run of a flow that never waits the default timeout, and a flow with a Wait none', () => {
    assert.equal(planOf(validFlow()).runTimeoutMs, 3_600_000);
    const waiting = flow(
      [webhook('hook'), node('pause', 'core.wait', { durationSeconds: 5 })],
      [edge('hook', 'pause')],
    );
    assert.equal(Object.hasOwn(planOf(waiting), 'runTimeoutMs'), false);
  });

  it('orders ready nodes by document order and lists upstream in edge order', () => {
    const document = flow(
      [transform('join'), transform('c'), webhook('hook'), transform('b'), transform('a')],
      [
        edge('hook', 'a'),
        edge('hook', 'b'),
        edge('hook', 'c'),
        edge('b', 'join'),
        edge('a', 'join'),
        edge('c', 'join'),
      ],
    );
    const plan = planOf(document);
    assert.deepEqual(
      plan.nodes.map((planNode) => planNode.id),
      ['hook', 'c', 'b', 'a', 'join'],
    );
    assert.deepEqual(plan.nodes[4]?.upstream, ['b', 'a', 'c']);
  });

  it('produces the same canonical plan whatever the key order of the document', () => {
    const document = validFlow();
    const reordered = JSON.parse(JSON.stringify(document), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    );
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(document));
    assert.equal(canonicalJson(planOf(reordered)), canonicalJson(planOf(document)));
  });

  it('keeps every node after its upstream nodes in random acyclic flows', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      const size = 2 + Math.floor(random() * 12);
      const ids = Array.from({ length: size }, (_, index) => `n${index}`);
      const edges = ids.slice(1).flatMap((id, index) => {
        const parents = ids.slice(0, index + 1).filter(() => random() < 0.3);
        return (parents.length ? parents : [ids[Math.floor(random() * (index + 1))] ?? 'n0']).map((parent) =>
          edge(parent, id),
        );
      });
      const shuffled = [...ids].sort(() => random() - 0.5);
      const nodes = shuffled.map((id) => (id === 'n0' ? webhook('n0') : transform(id)));
      const plan = planOf(flow(nodes, edges));
      const seen = new Set<string>();
      assert.equal(plan.nodes[0]?.id, 'n0');
      for (const planNode of plan.nodes) {
        for (const parent of planNode.upstream)
          assert.ok(seen.has(parent), `round ${round}: ${planNode.id} ran before ${parent}`);
        seen.add(planNode.id);
      }
      assert.equal(seen.size, size);
    }
  });
});
