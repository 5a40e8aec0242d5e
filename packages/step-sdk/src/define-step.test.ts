import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineStep } from './define-step.ts';
import { outputPortsOf, toManifest } from './manifest.ts';

const base = {
  version: 1,
  title: 'Say hello',
  description: 'Greets someone',
  input: z.object({ name: z.string().min(1), loud: z.boolean().default(false) }),
  output: z.object({ greeting: z.string() }),
};
const hello = defineStep({
  ...base,
  type: 'demo.hello',
  kind: 'action',
  keywords: ['greet'],
  ui: { name: { label: 'Name', widget: 'expression' } },
  retry: { maxAttempts: 5 },
  timeoutMs: 2000,
  async run(input) {
    return { greeting: input.loud ? `HELLO ${input.name}` : `Hello ${input.name}` };
  },
});

describe('defineStep', () => {
  for (const type of ['http.request', 'my-pkg.sendMessage', 'slack.chat.post', 'a1.b2']) {
    it(`accepts the type id "${type}"`, () => {
      assert.equal(defineStep({ ...base, type, kind: 'transform' }).type, type);
    });
  }
  for (const type of [
    'request',
    'Http.request',
    'http.',
    '.request',
    'http request',
    '1http.request',
    'http..request',
    'http.request!',
    'http.send message',
  ]) {
    it(`rejects the type id "${type}"`, () => {
      assert.throws(() => defineStep({ ...base, type, kind: 'transform' }), /must look like "<package>\.<name>"/);
    });
  }
  for (const version of [0, -1, 1.5]) {
    it(`rejects version ${version}`, () => {
      assert.throws(
        () => defineStep({ ...base, version, type: 'demo.v', kind: 'transform' }),
        /version must be a positive integer/,
      );
    });
  }
  it('rejects an action without run', () => {
    assert.throws(
      () => defineStep({ ...base, type: 'demo.noop', kind: 'action' }),
      /an action needs a run\(input, ctx\) function/,
    );
  });
  it('accepts triggers and transforms without run (the platform runs them)', () => {
    assert.equal(defineStep({ ...base, type: 'demo.trigger', kind: 'trigger' }).kind, 'trigger');
    assert.equal(defineStep({ ...base, type: 'demo.transform', kind: 'transform' }).kind, 'transform');
  });
});

describe('toManifest', () => {
  it('describes an action: JSON Schema of input and output, UI hints, policy, runs in an activity', () => {
    const manifest = toManifest(hello);
    assert.deepEqual(
      { ...manifest, inputSchema: undefined, outputSchema: undefined },
      {
        type: 'demo.hello',
        version: 1,
        title: 'Say hello',
        description: 'Greets someone',
        kind: 'action',
        category: 'Actions',
        keywords: ['greet'],
        inputSchema: undefined,
        outputSchema: undefined,
        ui: { name: { label: 'Name', widget: 'expression' } },
        retry: { maxAttempts: 5 },
        timeoutMs: 2000,
        runsIn: 'activity',
        outputs: [{ id: 'out', label: '' }],
      },
    );
    assert.equal(manifest.inputSchema.type, 'object');
    assert.deepEqual(manifest.inputSchema.properties, {
      name: { type: 'string', minLength: 1 },
      loud: { type: 'boolean', default: false },
    });
    // Input io: a field with a default is optional for the builder.
    assert.deepEqual(manifest.inputSchema.required, ['name']);
    assert.deepEqual(manifest.outputSchema.properties, { greeting: { type: 'string' } });
    assert.deepEqual(JSON.parse(JSON.stringify(manifest)), manifest, 'a manifest is plain JSON');
  });

  for (const [kind, category] of [
    ['trigger', 'Triggers'],
    ['transform', 'Transform'],
    ['action', 'Actions'],
  ] as const) {
    it(`files a ${kind} without a category under ${category} in the palette`, () => {
      const step = defineStep({
        ...base,
        type: `demo.${kind}`,
        kind,
        async run() {
          return { greeting: 'hi' };
        },
      });
      assert.equal(toManifest(step).category, category);
      assert.equal(toManifest({ ...step, category: 'CRM' }).category, 'CRM');
    });
  }

  it('runs triggers and transforms in the workflow, with default categories and no timeout', () => {
    const trigger = toManifest(defineStep({ ...base, type: 'demo.start', kind: 'trigger' }));
    const transform = toManifest(defineStep({ ...base, type: 'demo.map', kind: 'transform', category: 'Data' }));
    assert.deepEqual(
      [trigger.runsIn, trigger.category, trigger.timeoutMs, trigger.retry, trigger.keywords, trigger.ui],
      ['workflow', 'Triggers', null, {}, [], {}],
    );
    assert.deepEqual([transform.runsIn, transform.category], ['workflow', 'Data']);
  });

  it('output ports: fixed lists, or one per config item plus extras', () => {
    const branch = toManifest(
      defineStep({
        ...base,
        type: 'demo.branch',
        kind: 'transform',
        outputs: [
          { id: 'yes', label: 'Yes' },
          { id: 'no', label: 'No' },
        ],
      }),
    );
    assert.deepEqual(
      outputPortsOf(branch, {}).map((port) => port.id),
      ['yes', 'no'],
    );
    const router = toManifest(
      defineStep({
        ...base,
        type: 'demo.route',
        kind: 'transform',
        outputs: { fromConfig: 'routes', idKey: 'id', labelKey: 'label', extra: [{ id: 'other', label: 'Other' }] },
      }),
    );
    assert.deepEqual(
      outputPortsOf(router, { routes: [{ id: 'big', label: 'Big' }, { id: 'small' }, { label: 'x' }] }),
      [
        { id: 'big', label: 'Big' },
        { id: 'small', label: 'small' },
        { id: 'other', label: 'Other' },
      ],
    );
    assert.deepEqual(outputPortsOf(router, {}), [{ id: 'other', label: 'Other' }]);
    // Half-edited rows in the editor: no port until the row has an id; a blank label falls back to the id.
    assert.deepEqual(
      outputPortsOf(router, {
        routes: ['big', null, { id: '', label: 'Blank' }, { id: 'mid', label: '' }, { id: 'new' }],
      }),
      [
        { id: 'mid', label: 'mid' },
        { id: 'new', label: 'new' },
        { id: 'other', label: 'Other' },
      ],
    );
  });

  it('output ports chosen by a config value, with a fallback list', () => {
    const wait = toManifest(
      defineStep({
        ...base,
        type: 'demo.wait',
        kind: 'transform',
        outputs: {
          byConfigValue: 'mode',
          cases: {
            event: [
              { id: 'out', label: '' },
              { id: 'timeout', label: 'Timeout' },
            ],
          },
          otherwise: [{ id: 'out', label: '' }],
        },
      }),
    );
    const ids = (config: Record<string, unknown>) => outputPortsOf(wait, config).map((port) => port.id);
    assert.deepEqual(ids({ mode: 'event' }), ['out', 'timeout']);
    assert.deepEqual(ids({ mode: 'delay' }), ['out']);
    assert.deepEqual(ids({}), ['out']);
  });

  it('does not fail on schemas JSON Schema cannot represent', () => {
    const step = defineStep({ ...base, type: 'demo.dates', kind: 'transform', input: z.object({ when: z.date() }) });
    assert.equal(toManifest(step).inputSchema.type, 'object');
  });
});
