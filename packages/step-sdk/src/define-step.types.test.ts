/**
 * Type-level tests: each `@ts-expect-error` line must fail to compile (tsc reports an unused directive otherwise),
 * so `tsc -p packages/step-sdk` is what checks them; the runtime asserts check the same definitions still behave.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineCredential } from './define-credential.ts';
import { defineStep } from './define-step.ts';
import { runStep } from './testing.ts';

const apiCredential = defineCredential({
  type: 'demo.api',
  version: 1,
  title: 'Demo API',
  description: 'A key',
  fields: z.object({ apiKey: z.string() }),
  secretFields: ['apiKey'],
});

const base = {
  type: 'demo.greet',
  version: 1,
  title: 'Greet',
  description: 'Greets someone',
  kind: 'action' as const,
  input: z.object({ name: z.string(), times: z.number().default(1) }),
  output: z.object({ greeting: z.string() }),
};

describe('defineStep typing', () => {
  it('types run(input) from the input schema and checks the result against the output schema', async () => {
    const step = defineStep({
      ...base,
      async run(input) {
        const name: string = input.name;
        const times: number = input.times;
        return { greeting: `Hello ${name}`.repeat(times) };
      },
    });
    assert.deepEqual(await runStep(step, { name: 'Ada' }), { greeting: 'Hello Ada' });
  });

  it('rejects a run whose result does not match the output schema', () => {
    const step = defineStep({
      ...base,
      // @ts-expect-error `greeting` must be a string
      async run() {
        return { greeting: 42 };
      },
    });
    return assert.rejects(runStep(step, { name: 'Ada' }), /greeting/);
  });

  it('rejects reading an input field the schema does not declare', () => {
    defineStep({
      ...base,
      async run(input) {
        // @ts-expect-error `email` is not an input field
        return { greeting: String(input.email) };
      },
    });
  });

  it('rejects using an input field as the wrong type', () => {
    defineStep({
      ...base,
      async run(input) {
        // @ts-expect-error `name` is a string, not a number
        return { greeting: input.name.toFixed(2) };
      },
    });
  });

  it('rejects UI hints for fields that are not inputs, and unknown widgets', () => {
    // @ts-expect-error `nmae` is not an input field
    defineStep({ ...base, kind: 'transform', ui: { nmae: { label: 'Name' } } });
    // @ts-expect-error `slider` is not a widget
    defineStep({ ...base, kind: 'transform', ui: { name: { widget: 'slider' } } });
    const ok = defineStep({ ...base, kind: 'transform', ui: { name: { label: 'Name', widget: 'expression' } } });
    assert.equal(ok.ui?.name?.label, 'Name');
  });

  it('rejects an input schema that is not an object', () => {
    // @ts-expect-error the input of a step is an object of named fields
    defineStep({ ...base, kind: 'transform', input: z.string() });
  });

  it('rejects credential slots that are not credential types', () => {
    // @ts-expect-error a slot names a credential type (defineCredential), not a string
    defineStep({ ...base, kind: 'transform', credentials: { api: 'demo.api' } });
    const ok = defineStep({ ...base, kind: 'transform', credentials: { api: apiCredential } });
    assert.equal(ok.credentials?.api?.type, 'demo.api');
  });

  it('rejects a migrate that does not return a config object', () => {
    defineStep({
      ...base,
      kind: 'transform',
      version: 2,
      // @ts-expect-error migrate returns the new config object
      migrate(old: Record<string, unknown>) {
        return JSON.stringify(old);
      },
    });
  });

  it('rejects a credential type whose secret field is not one of its fields', () => {
    assert.throws(
      () =>
        defineCredential({
          type: 'demo.other',
          version: 1,
          title: 'Other',
          description: 'x',
          fields: z.object({ token: z.string() }),
          // @ts-expect-error `secret` is not a field
          secretFields: ['secret'],
        }),
      /secret field "secret" is not one of its fields/,
    );
  });
});
