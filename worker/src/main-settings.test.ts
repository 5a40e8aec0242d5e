import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { APP_MAIN_ARGS } from '@pipewright/devstack';

test('the worker refuses a PIPEWRIGHT_FAIRNESS that is neither on nor off, naming the setting', () => {
  const result = spawnSync(process.execPath, APP_MAIN_ARGS, {
    cwd: resolve(import.meta.dirname, '..'),
    // Nothing is reachable here: the setting is read before any connection is made.
    env: {
      ...process.env,
      PIPEWRIGHT_FAIRNESS: 'sometimes',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /PIPEWRIGHT_FAIRNESS must be "on" or "off", got "sometimes"/);
});
