import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ensureComposeCli, TEMPORAL_SERVER_VERSION } from './binaries.ts';
import { ensureDebianPackage } from './debian-packages.ts';
import { HAPROXY_DEFAULTS, HAPROXY_PATH, HAPROXY_SERVER_CHECK, READY_PATH } from './haproxy.ts';
import { FAIRNESS_DYNAMIC_CONFIG } from './stack.ts';

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
    services: Record<string, { image?: string; environment?: Record<string, string>; deploy?: { replicas?: number } }>;
  };
  for (const name of [
    'mongodb',
    'postgresql',
    'temporal',
    'temporal-ui',
    'redis',
    'server',
    'worker',
    'web',
    'proxy',
  ]) {
    assert.ok(config.services[name], `service ${name} is missing`);
  }
  assert.match(config.services.mongodb?.image ?? '', /^mongo:7/);
  assert.equal(config.services.temporal?.environment?.DB, 'postgres12');
  assert.match(config.services.temporal?.image ?? '', new RegExp(`:${TEMPORAL_SERVER_VERSION.slice(1)}$`));
  assert.equal(config.services.worker?.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
  // The shape ./pw cluster runs: two servers and two workers sharing Redis, a draining server behind HAProxy.
  assert.equal(config.services.server?.deploy?.replicas, 2);
  assert.equal(config.services.worker?.deploy?.replicas, 2);
  assert.equal(config.services.server?.environment?.PIPEWRIGHT_REDIS_URL, 'redis://redis:6379');
  assert.ok(Number(config.services.server?.environment?.PIPEWRIGHT_DRAIN_MS) > 0);
  assert.match(config.services.proxy?.image ?? '', /^haproxy:2\.6/);
});

test("compose's Temporal turns on task-queue priority and fairness, as the dev server and ./pw cluster do", () => {
  const result = composeConfig(composeFile, root);
  const config = JSON.parse(result.stdout) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: { source: string; target: string }[] }>;
  };
  const temporal = config.services.temporal;
  const path = temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH;
  const mount = temporal?.volumes?.find((volume) => volume.target === path);
  assert.ok(mount, `the dynamic config file ${path} is mounted`);
  const text = readFileSync(mount.source, 'utf8');
  for (const [key, value] of Object.entries(FAIRNESS_DYNAMIC_CONFIG)) {
    assert.ok(text.includes(`${key}:\n  - value: ${String(value)}\n`), `${key} is ${String(value)}`);
  }
});

test("deploy/haproxy.cfg is a valid HAProxy config with ./pw cluster's proxy defaults and readiness check", () => {
  const file = join(root, 'deploy/haproxy.cfg');
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(`${HAPROXY_DEFAULTS}\n`), 'the same defaults block as packages/devstack/src/haproxy.ts');
  assert.ok(text.includes(`http-check send meth GET uri ${READY_PATH}`));
  assert.ok(text.includes(HAPROXY_SERVER_CHECK));
  const checked = spawnSync(ensureDebianPackage({ path: HAPROXY_PATH, pkg: 'haproxy' }), ['-c', '-f', file], {
    encoding: 'utf8',
  });
  assert.equal(checked.status, 0, checked.stderr || checked.stdout);
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
