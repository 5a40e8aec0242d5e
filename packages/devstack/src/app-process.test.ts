import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { APP_MAIN_ARGS } from './app-process.ts';

const root = resolve(import.meta.dirname, '../../..');

test('the Docker images and the apps’ start scripts start node with the same flags as the launchers', () => {
  const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');
  const commands = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)].map(
    (match) => JSON.parse(match[1] ?? '[]') as string[],
  );
  assert.deepEqual(commands, [
    ['node', ...APP_MAIN_ARGS],
    ['node', ...APP_MAIN_ARGS],
  ]);
  for (const app of ['server', 'worker']) {
    const manifest = JSON.parse(readFileSync(join(root, app, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(manifest.scripts.start, ['node', ...APP_MAIN_ARGS].join(' '), `${app}/package.json start`);
  }
});
