import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TRACING_INTERCEPTORS_MANIFEST } from '@pipewright/tracing';
import type { WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from './workflow-bundle-build.ts';

const require = createRequire(import.meta.url);
const buildScript = fileURLToPath(new URL('./workflow-bundle-build.ts', import.meta.url));

const bundles = new Map<boolean, Promise<WorkflowBundle>>();

/**
 * The workflow bundle, built once per process and cached on disk under a hash of everything it is built from, so
 * test files in separate processes (and worker restarts) skip the few seconds webpack takes.  `traced`: with
 * OpenTelemetry's workflow interceptors (a bundle of its own, so an untraced worker carries none of their cost).
 */
export function getWorkflowBundle(options: { traced?: boolean } = {}): Promise<WorkflowBundle> {
  const traced = options.traced === true;
  let bundle = bundles.get(traced);
  if (!bundle) {
    bundle = loadOrBuild(traced);
    bundles.set(traced, bundle);
  }
  return bundle;
}

async function loadOrBuild(traced: boolean): Promise<WorkflowBundle> {
  const variant = traced ? '-traced' : '';
  const cachePath = join(tmpdir(), `pipewright-workflow-bundle-${await sourceHash()}${variant}.js`);
  try {
    return { code: await readFile(cachePath, 'utf8') };
  } catch {
    // not cached yet
  }
  // webpack runs in a process of its own: what it loads and allocates would otherwise stay in the worker for good.
  try {
    const args = [buildScript, cachePath, ...(traced ? ['--traced'] : [])];
    await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().slice(-2000);
    throw new Error(`building the workflow bundle failed${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
  return { code: await readFile(cachePath, 'utf8') };
}

/**
 * Workspace packages the workflow code can reach: the ones it imports values from (the run contract, the runtime and
 * the run report's @pipewright/operations)
 * and, through their package.json dependencies, everything those bundle.  Read from the dependency graph, so a package
 * the runtime starts to depend on is hashed without anyone remembering to list it here.
 */
async function bundledPackageDirs(): Promise<string[]> {
  const dirs = new Map<string, string>();
  const visit = async (name: string, from: string) => {
    if (dirs.has(name)) return;
    let dir = dirname(createRequire(from).resolve(name));
    while (!(await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined))) dir = dirname(dir);
    dirs.set(name, dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {}).sort()) {
      if (dependency.startsWith('@pipewright/')) await visit(dependency, join(dir, 'package.json'));
    }
  };
  for (const name of ['@pipewright/run-contract', '@pipewright/runtime', '@pipewright/operations']) {
    await visit(name, import.meta.url);
  }
  return [...dirs.values()].map((dir) => join(dir, 'src')).sort();
}

/** Sources of the workflow code and of the workspace packages it bundles, plus the versions of bundled libraries. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const sourceDirs = [dirname(workflowsPath), ...(await bundledPackageDirs())];
  for (const dir of sourceDirs) {
    const files = (await readdir(dir, { recursive: true }))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .sort();
    for (const file of files) {
      hash.update(`${dir}/${file}\0`);
      hash.update(await readFile(join(dir, file)));
    }
  }
  // The build script too: the bundle options (preloaded modules) are part of what is built.
  hash.update(await readFile(buildScript));
  for (const manifest of ['@temporalio/workflow/package.json', '@temporalio/worker/package.json']) {
    hash.update(await readFile(require.resolve(manifest)));
  }
  hash.update(await readFile(TRACING_INTERCEPTORS_MANIFEST));
  return hash.digest('hex').slice(0, 16);
}
