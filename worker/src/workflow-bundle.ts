import { createHash } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
const require = createRequire(import.meta.url);

let bundle: Promise<WorkflowBundle> | undefined;

/**
 * Modules initialised once per worker thread and shared by every workflow, instead of once per workflow: the
 * interpreter and the expression engine (JSONata) with its cache of compiled expressions.  They keep no state of a
 * run at module level (the compiled-expression cache only saves work: an expression's result never depends on it).
 * Temporal deep-freezes their exports.
 */
const PRELOADED = ['@pipewright/runtime'];

/**
 * The workflow bundle, built once per process and cached on disk under a hash of everything it is built from, so
 * test files in separate processes (and worker restarts) skip the few seconds webpack takes.
 */
export function getWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= loadOrBuild();
  return bundle;
}

async function loadOrBuild(): Promise<WorkflowBundle> {
  const cachePath = join(tmpdir(), `pipewright-workflow-bundle-${await sourceHash()}.js`);
  try {
    return { code: await readFile(cachePath, 'utf8') };
  } catch {
    // not cached yet
  }
  const built = await bundleWorkflowCode({ workflowsPath, preloadModules: PRELOADED, logger: quietLogger });
  // Write then rename: a concurrent process never reads a half-written bundle.
  const partial = `${cachePath}.${process.pid}.partial`;
  await writeFile(partial, built.code);
  await rename(partial, cachePath);
  return built;
}

/** Sources of the workflow code and of the workspace packages it bundles, plus the versions of bundled libraries. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const compilerEntry = fileURLToPath(import.meta.resolve('@pipewright/compiler'));
  const sourceDirs = [
    dirname(workflowsPath),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/runtime'))),
    dirname(fileURLToPath(import.meta.resolve('@pipewright/expression'))),
    dirname(compilerEntry),
    // The compiler bundles these too (the runtime's safe-object helpers live in the step SDK).
    dirname(fileURLToPath(import.meta.resolve('@pipewright/step-sdk'))),
    dirname(createRequire(compilerEntry).resolve('@pipewright/flow')),
  ];
  for (const dir of sourceDirs) {
    const files = (await readdir(dir, { recursive: true }))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .sort();
    for (const file of files) {
      hash.update(`${dir}/${file}\0`);
      hash.update(await readFile(join(dir, file)));
    }
  }
  // This file too: the bundle options (preloaded modules) are part of what is built.
  hash.update(await readFile(fileURLToPath(import.meta.url)));
  for (const manifest of ['@temporalio/workflow/package.json', '@temporalio/worker/package.json']) {
    hash.update(await readFile(require.resolve(manifest)));
  }
  return hash.digest('hex').slice(0, 16);
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
