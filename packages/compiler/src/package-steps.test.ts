import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStep, type StepManifest, toManifest, z } from '@pipewright/step-sdk';
import { type CatalogLookup, compileFlow } from './compile.ts';
import { catalog as builtins, edge, flow, node, options, webhook } from './test-fixtures.ts';

/** A published package step: v1 and v2 of `acme.greet`, served on the package's own task queue. */
const greet = (version: number): StepManifest => ({
  ...toManifest(
    defineStep({
      type: 'acme.greet',
      version,
      title: `Greet v${version}`,
      description: 'Greets',
      kind: 'action',
      input: z.object({ name: z.string() }),
      output: z.object({ greeting: z.string() }),
      async run(input) {
        return { greeting: input.name };
      },
    }),
  ),
  taskQueue: 'pkg.ws_1.acme',
});

const withPackage: CatalogLookup = {
  get(type, version) {
    if (type !== 'acme.greet') return builtins.get(type);
    return version === 1 ? greet(1) : greet(2);
  },
};

const greetFlow = (typeVersion: number) =>
  flow([webhook('hook'), node('hello', 'acme.greet', { name: 'Ada' }, { typeVersion })], [edge('hook', 'hello')]);

describe('compileFlow with package steps', () => {
  it("puts a package step on its package's task queue and built-in steps on the default queue", () => {
    const result = compileFlow(greetFlow(2), withPackage, options);
    if (!result.ok) assert.fail(JSON.stringify(result.errors));
    const queues = Object.fromEntries(result.plan.nodes.map((planNode) => [planNode.id, planNode.taskQueue]));
    assert.deepEqual(queues, { hook: 'pipewright-steps', hello: 'pkg.ws_1.acme' });
  });

  it('compiles a node pinned to an older version the catalog still knows, with that version', () => {
    const result = compileFlow(greetFlow(1), withPackage, options);
    if (!result.ok) assert.fail(JSON.stringify(result.errors));
    const hello = result.plan.nodes.find((planNode) => planNode.id === 'hello');
    assert.deepEqual([hello?.typeVersion, hello?.title], [1, 'Greet v1']);
  });

  it('reports a version the catalog does not have on the node', () => {
    const result = compileFlow(greetFlow(7), withPackage, options);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.nodeId, error.field]),
      [['unknown_step_version', 'hello', 'typeVersion']],
    );
  });
});

/** A package step whose inputs happen to share names with built-in steps' special fields. */
const lookup: StepManifest = {
  ...toManifest(
    defineStep({
      type: 'acme.lookup',
      version: 1,
      title: 'Lookup',
      description: 'Looks things up',
      kind: 'action',
      input: z.object({
        key: z.string(),
        fields: z.array(z.object({ name: z.string() })),
        remove: z.array(z.string()),
        stopWhen: z.string().optional(),
      }),
      output: z.object({ found: z.boolean() }),
      async run() {
        return { found: true };
      },
    }),
  ),
  taskQueue: 'pkg.ws_1.acme',
};
const withLookup: CatalogLookup = {
  get: (type) => (type === 'acme.lookup' ? lookup : builtins.get(type)),
};
const lookupFlow = (config: Record<string, unknown>) =>
  flow([webhook('hook'), node('find', 'acme.lookup', config)], [edge('hook', 'find')]);

describe('package steps with fields named like those of built-in steps', () => {
  it('treats their values as data: only Transform field names and a Merge key are object paths', () => {
    const result = compileFlow(
      lookupFlow({ key: 'constructor', fields: [{ name: 'constructor.prototype.x' }], remove: ['__proto__.x'] }),
      withLookup,
      options,
    );
    assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.errors));
  });

  it('checks a field named stopWhen like any other expression (only a Loop reads it inside its body)', () => {
    const result = compileFlow(
      lookupFlow({ key: 'id', fields: [], remove: [], stopWhen: '{{ steps.later.done }}' }),
      withLookup,
      options,
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.nodeId, error.field]),
      [['reference_not_upstream', 'find', 'config.stopWhen']],
    );
  });
});
