import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStep, StepError, z } from '@pipewright/step-sdk';
import { createTestContext } from '@pipewright/step-sdk/testing';
import { createMigrateStepActivity } from './migrate-step.ts';
import { withPinnedVersions } from './pinned-versions.ts';

/** v3 of a step whose v1 called the field `to` and v2 `recipient`; v3 added `shout`. */
const greetV3 = defineStep({
  type: 'acme.greet',
  version: 3,
  title: 'Greet',
  description: 'Greets',
  kind: 'action',
  input: z.object({ recipient: z.string(), shout: z.boolean().default(false) }),
  output: z.object({ greeting: z.string() }),
  async run(input) {
    const greeting = `Hello ${input.recipient}`;
    return { greeting: input.shout ? greeting.toUpperCase() : greeting };
  },
  migrate(old, fromVersion) {
    return fromVersion < 2 ? { ...old, recipient: old.to, to: undefined } : old;
  },
});

describe('withPinnedVersions', () => {
  const steps = withPinnedVersions([greetV3]);
  const version = (n: number) => steps.find((step) => step.type === 'acme.greet' && step.version === n);

  it('adds a stand-in for every older version of a step with migrate', () => {
    assert.deepEqual(
      steps.map((step) => step.version),
      [3, 1, 2],
    );
  });

  it('runs a node pinned to v1 by migrating its input and running the current step', async () => {
    const v1 = version(1);
    const output = await v1?.run?.({ to: 'Ada' }, createTestContext());
    assert.deepEqual(output, { greeting: 'Hello Ada' });
    const v2 = version(2);
    assert.deepEqual(await v2?.run?.({ recipient: 'Bo', shout: true }, createTestContext()), { greeting: 'HELLO BO' });
  });

  it('fails without retry when the migrated input does not fit the current schema', async () => {
    const v1 = version(1);
    await assert.rejects(
      Promise.resolve(v1?.run?.({ name: 'Ada' }, createTestContext())),
      (error: unknown) => error instanceof StepError && !error.retryable && /after migrate/.test(error.message),
    );
  });

  it('adds nothing for steps without migrate, and keeps older versions the package declares itself', () => {
    const { migrate: _migrate, ...withoutMigrate } = greetV3;
    assert.deepEqual(
      withPinnedVersions([withoutMigrate]).map((step) => step.version),
      [3],
    );
    const ownV1 = defineStep({ ...withoutMigrate, version: 1 });
    assert.deepEqual(
      withPinnedVersions([greetV3, ownV1]).map((step) => step.version),
      [3, 1, 2],
    );
  });
});

describe('migrateStep activity', () => {
  const migrateStep = createMigrateStepActivity([greetV3]);

  it("returns the config migrated by the step's own migrate", async () => {
    assert.deepEqual(
      await migrateStep({ type: 'acme.greet', fromVersion: 1, toVersion: 3, config: { to: '{{ trigger.name }}' } }),
      { recipient: '{{ trigger.name }}' },
    );
  });

  it('says when the worker does not run the version the server asks for', async () => {
    await assert.rejects(
      migrateStep({ type: 'acme.greet', fromVersion: 1, toVersion: 4, config: {} }),
      /does not have "acme.greet" v4/,
    );
  });
});
