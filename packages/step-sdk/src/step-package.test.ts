import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineCredential } from './define-credential.ts';
import { defineStep } from './define-step.ts';
import { defineStepPackage, migrateStepConfig, toPackageManifest } from './step-package.ts';

const apiCredential = defineCredential({
  type: 'acme.api',
  version: 1,
  title: 'Acme API',
  description: 'An Acme key',
  fields: z.object({ apiKey: z.string().min(1) }),
  secretFields: ['apiKey'],
});
const extraCredential = defineCredential({
  type: 'acme.extra',
  version: 2,
  title: 'Extra',
  description: 'Not used by a step yet',
  fields: z.object({ token: z.string() }),
  secretFields: ['token'],
});

/** v2 renamed `to` → `recipient` and added `channel` with a default. */
const sendV2 = defineStep({
  type: 'acme.send',
  version: 2,
  title: 'Send',
  description: 'Sends a message',
  kind: 'action',
  credentials: { api: apiCredential },
  input: z.object({ recipient: z.string(), channel: z.string().default('general'), text: z.string() }),
  output: z.object({ id: z.string() }),
  async run() {
    return { id: 'm1' };
  },
  migrate(old, fromVersion) {
    if (fromVersion < 2) return { ...old, recipient: old.to, to: undefined };
    return old;
  },
});
const pingV1 = defineStep({
  type: 'acme.ping',
  version: 1,
  title: 'Ping',
  description: 'Pings',
  kind: 'action',
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  async run() {
    return { ok: true };
  },
});

describe('toPackageManifest', () => {
  it("lists every step's manifest with its version and slots, and every credential type once", () => {
    const manifest = toPackageManifest(
      defineStepPackage({ steps: [sendV2, pingV1], credentialTypes: [extraCredential] }),
      {
        name: 'acme-steps',
        version: '1.4.0',
      },
    );
    assert.equal(manifest.name, 'acme-steps');
    assert.equal(manifest.version, '1.4.0');
    assert.deepEqual(
      manifest.steps.map((step) => [step.type, step.version, step.credentials, step.migratable]),
      [
        ['acme.send', 2, { api: 'acme.api' }, true],
        ['acme.ping', 1, undefined, undefined],
      ],
    );
    assert.deepEqual(manifest.steps[0]?.inputSchema.required, ['recipient', 'text']);
    assert.deepEqual(
      manifest.credentialTypes.map((credential) => [credential.type, credential.version, credential.secretFields]),
      [
        ['acme.extra', 2, ['token']],
        ['acme.api', 1, ['apiKey']],
      ],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(manifest)), manifest, 'a package manifest is plain JSON');
  });

  for (const [name, version, message] of [
    ['Acme', '1.0.0', /must be an npm package name/],
    ['acme steps', '1.0.0', /must be an npm package name/],
    ['acme', '1.0', /must be a semantic version/],
    ['acme', 'latest', /must be a semantic version/],
    ['acme', 'v1.2.3', /must be a semantic version/],
    ['acme', '1.2.3.4', /must be a semantic version/],
    ['acme', '1.2.3 beta', /must be a semantic version/],
  ] as const) {
    it(`rejects the identity ${name}@${version}`, () => {
      assert.throws(() => toPackageManifest({ steps: [pingV1] }, { name, version }), message);
    });
  }

  it('accepts versions with several digits per part', () => {
    assert.equal(toPackageManifest({ steps: [pingV1] }, { name: 'acme', version: '10.20.300' }).version, '10.20.300');
  });

  it('accepts scoped names and prerelease versions (what `pipewright-step dev` publishes)', () => {
    const manifest = toPackageManifest({ steps: [pingV1] }, { name: '@acme/steps', version: '0.1.0-dev.3f2a' });
    assert.equal(manifest.version, '0.1.0-dev.3f2a');
  });

  it('rejects a package without steps, or with a step version declared twice', () => {
    assert.throws(() => defineStepPackage({ steps: [] }), /at least one step/);
    assert.throws(() => defineStepPackage({ steps: [pingV1, pingV1] }), /"acme.ping" v1 is declared twice/);
  });
});

describe('migrateStepConfig', () => {
  it("runs the step's migrate from an older version and drops removed fields", () => {
    assert.deepEqual(migrateStepConfig(sendV2, { to: '{{ trigger.body.user }}', text: 'hi' }, 1), {
      recipient: '{{ trigger.body.user }}',
      text: 'hi',
    });
  });

  it('leaves a config of the current version alone', () => {
    const config = { recipient: 'ada', text: 'hi' };
    assert.equal(migrateStepConfig(sendV2, config, 2), config);
  });

  it('does not let migrate change the config it was given', () => {
    const config = { to: 'ada', text: 'hi' };
    migrateStepConfig(sendV2, config, 1);
    assert.deepEqual(config, { to: 'ada', text: 'hi' });
  });

  for (const fromVersion of [3, 0, 1.5]) {
    it(`refuses to migrate from version ${fromVersion}`, () => {
      assert.throws(() => migrateStepConfig(sendV2, {}, fromVersion), /cannot migrate from version/);
    });
  }

  it('refuses what a migrate returns when it is not a config object', () => {
    for (const returned of [null, ['to'], 'config']) {
      const broken = defineStep({ ...sendV2, migrate: () => returned as unknown as Record<string, unknown> });
      assert.throws(() => migrateStepConfig(broken, { to: 'ada' }, 1), {
        message: 'step "acme.send": migrate must return the new config object',
      });
    }
  });

  it('says when a newer step has no migrate', () => {
    const pingV2 = defineStep({ ...pingV1, version: 2 });
    assert.throws(() => migrateStepConfig(pingV2, {}, 1), /has no migrate, so nodes of version 1 cannot be upgraded/);
  });
});
