import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ensureComposeCli } from './binaries.ts';

const root = resolve(import.meta.dirname, '../../..');
const composeFile = join(root, 'docker-compose.yml');

/** `docker compose config` validates the file against the Compose spec and resolves anchors, builds and depends_on. */
function composeConfig(file: string, projectDir: string) {
  const result = spawnSync(
    ensureComposeCli(),
    ['-f', file, '--project-directory', projectDir, 'config', '--format', 'json'],
    { encoding: 'utf8' },
  );
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

test('docker-compose.yml is valid under `docker compose config` and has the production shape', () => {
  const result = composeConfig(composeFile, root);
  assert.equal(result.ok, true, result.stderr);
  const config = JSON.parse(result.stdout) as {
    services: Record<string, { image?: string; environment?: Record<string, string> }>;
  };
  for (const name of ['mongodb', 'postgresql', 'temporal', 'temporal-ui', 'server', 'worker', 'web']) {
    assert.ok(config.services[name], `service ${name} is missing`);
  }
  assert.match(config.services.mongodb?.image ?? '', /^mongo:7/);
  assert.equal(config.services.temporal?.environment?.DB, 'postgres12');
  assert.equal(config.services.worker?.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
});

test('the compose check fails on a broken file (a dependency on a missing service)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-'));
  const broken = readFileSync(composeFile, 'utf8').replace(
    'condition: service_healthy',
    'condition: service_healthy\n      no-such-service:\n        condition: service_started',
  );
  try {
    writeFileSync(join(dir, 'docker-compose.yml'), broken);
    const result = composeConfig(join(dir, 'docker-compose.yml'), root);
    assert.equal(result.ok, false);
    assert.match(result.stderr, /no-such-service/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
