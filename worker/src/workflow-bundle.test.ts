import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { getWorkflowBundle } from './workflow-bundle.ts';

/** The modules webpack put in the bundle: `packages/…` for the workspace's, `<package>/…` for libraries. */
async function bundledModules(): Promise<string[]> {
  const { code } = await getWorkflowBundle();
  return [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((match) =>
    (match[1] ?? '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^(\.\.?\/)+/, ''),
  );
}

// Every module a workflow imports is initialised again for each run (Temporal's reusable V8 context gives each
// workflow its own module instances): what the bundle holds is paid per run (docs/adr/009).
test('the workflow bundle holds the interpreter and no compiler checks, step SDK index or zod', async () => {
  const modules = await bundledModules();
  assert.ok(modules.includes('packages/runtime/src/execute-plan.ts'), 'the interpreter is bundled');
  assert.ok(
    modules.some((path) => path.startsWith('jsonata/')),
    'the expression engine is bundled',
  );
  const heavy = modules.filter(
    (path) =>
      path.startsWith('zod/') ||
      path.startsWith('packages/compiler/src/compile') ||
      path === 'packages/compiler/src/index.ts' ||
      path === 'packages/step-sdk/src/index.ts',
  );
  assert.deepEqual(heavy, []);
});

test('the interpreter and the expression engine are loaded once per worker thread, not once per run', async () => {
  const { code } = await getWorkflowBundle();
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
  assert.match(preload, /packages\/runtime\/src\/index\.ts"\)/);
});

test('a missing bundle is built in a process of its own: webpack never compiles inside the worker', async () => {
  // A worker that built the bundle itself kept webpack's allocations for good (idle RSS 525 MB instead of 314).
  const cacheDir = mkdtempSync(join(tmpdir(), 'pw-bundle-'));
  try {
    const script = `
      import { createRequire } from 'node:module';
      const { getWorkflowBundle } = await import(${JSON.stringify(import.meta.resolve('./workflow-bundle.ts'))});
      const { code } = await getWorkflowBundle();
      const compiler = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/webpack/lib/Compilation'));
      console.log(JSON.stringify({ bytes: code.length, compiler }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: cacheDir },
      // A hung build is killed, not left behind the test.
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { bytes: number; compiler: string[] };
    assert.ok(result.bytes > 100_000, `a bundle was built (${result.bytes} bytes)`);
    assert.deepEqual(result.compiler, [], 'webpack compiled in another process');
    assert.equal(readdirSync(cacheDir).filter((file) => /^pipewright-workflow-bundle-\w+\.js$/.test(file)).length, 1);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
