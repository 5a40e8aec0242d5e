import assert from 'node:assert/strict';
import { test } from 'node:test';
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
