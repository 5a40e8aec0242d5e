import { rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TRACING_WORKFLOW_INTERCEPTORS } from '@pipewright/tracing';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Builds the workflow bundle into a file.  Run as its own process by workflow-bundle.ts, so webpack and what it
 * allocates (a few hundred MB) never stay in the worker's memory: `node workflow-bundle-build.ts <file>`.
 */

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/**
 * Modules initialised once per worker thread and shared by every workflow, instead of once per workflow: the
 * interpreter and the expression engine (JSONata) with its cache of compiled expressions.  They keep no state of a
 * run at module level (the compiled-expression cache only saves work: an expression's result never depends on it).
 * Temporal deep-freezes their exports.
 */
const PRELOADED = ['@pipewright/runtime'];

export async function buildWorkflowBundle(outputPath: string, options: { traced?: boolean } = {}): Promise<void> {
  const built = await bundleWorkflowCode({
    workflowsPath,
    preloadModules: PRELOADED,
    ...(options.traced === true ? { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
    logger: quietBundlerLogger,
  });
  await writeBundleFile(outputPath, built.code);
}

/** Write then rename: a concurrent process never reads a half-written bundle. */
export async function writeBundleFile(path: string, code: string): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, code);
  await rename(partial, path);
}

/** webpack's progress stays quiet; its warnings and errors are printed. */
export const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

if (import.meta.main) {
  const outputPath = process.argv[2];
  if (!outputPath) throw new Error('usage: node workflow-bundle-build.ts <output file> [--traced]');
  await buildWorkflowBundle(outputPath, { traced: process.argv[3] === '--traced' });
}
