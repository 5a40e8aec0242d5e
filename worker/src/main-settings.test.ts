import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { APP_MAIN_ARGS } from '@pipewright/devstack';

/** The worker started with `env`: nothing is reachable, so it ends once it has read its settings. */
function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, APP_MAIN_ARGS, {
    cwd: resolve(import.meta.dirname, '..'),
    // Nothing is reachable here: the settings are read before any connection is made.
    env: { ...process.env, ...env, MONGODB_URI: 'mongodb://127.0.0.1:1/', TEMPORAL_ADDRESS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('the worker refuses a PIPEWRIGHT_FAIRNESS that is neither on nor off, naming the setting', () => {
  const result = startWith({ PIPEWRIGHT_FAIRNESS: 'sometimes' });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /PIPEWRIGHT_FAIRNESS must be "on" or "off", got "sometimes"/);
});

test('the worker refuses a PIPEWRIGHT_WORKER_SLOTS that is not a whole number from 1 to 2000, naming the setting', () => {
  for (const bad of ['0', '2.5', 'many', '5000']) {
    const result = startWith({ PIPEWRIGHT_WORKER_SLOTS: bad });
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      new RegExp(`PIPEWRIGHT_WORKER_SLOTS must be a whole number from 1 to 2000, got "${bad}"`),
    );
  }
});
