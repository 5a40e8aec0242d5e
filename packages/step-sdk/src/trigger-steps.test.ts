import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineStep } from './define-step.ts';
import { toManifest } from './manifest.ts';

const triggerBase = {
  type: 'demo.poll',
  version: 1,
  kind: 'trigger' as const,
  title: 'Poll demo',
  description: 'Polls',
  input: z.object({ intervalSeconds: z.number().default(60) }),
  output: z.unknown(),
};
const pollingTrigger = {
  ...triggerBase,
  async poll() {
    return { items: [{ id: '1', data: { one: true } }], cursor: 1 };
  },
};

describe('polling and listening triggers', () => {
  it('marks a trigger with poll as polling in its manifest, and one with listen as listening', () => {
    assert.equal(toManifest(defineStep(pollingTrigger)).polling, true);
    const listening = defineStep({
      ...triggerBase,
      type: 'demo.listen',
      async listen() {
        return { async close() {} };
      },
    });
    const manifest = toManifest(listening);
    assert.equal(manifest.listening, true);
    assert.equal(manifest.polling, undefined);
  });

  it('refuses poll on an action and a polling trigger without an intervalSeconds field', () => {
    assert.throws(
      () => defineStep({ ...pollingTrigger, kind: 'action', run: async () => null }),
      /only triggers can poll or listen/,
    );
    assert.throws(
      () => defineStep({ ...pollingTrigger, input: z.object({ url: z.string() }) }),
      /needs an intervalSeconds field/,
    );
  });
});
