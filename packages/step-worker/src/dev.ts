import { type ChildProcess, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import path from 'node:path';

/**
 * `pipewright-step dev`: publishes a dev version (`<version>-dev.<hash>`) and runs the worker, then again on every
 * change under `src/` — in child processes, since ESM never reloads an imported module in place.  A step whose
 * manifest did not change re-publishes as a no-op; the worker restarts either way.
 */
export async function runDev(input: { dir: string; cli: string }): Promise<void> {
  let worker: ChildProcess | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let cycle = Promise.resolve();

  const runCli = (args: string[]) =>
    spawn(process.execPath, [input.cli, ...args, '--dir', input.dir], { stdio: 'inherit', env: process.env });

  const stopWorker = async () => {
    const child = worker;
    worker = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  const restart = async () => {
    await stopWorker();
    const publish = runCli(['publish', '--dev']);
    const code = await new Promise<number | null>((resolve) => publish.once('exit', resolve));
    if (code !== 0) {
      console.error('[dev] publish failed: fix the error above and save again');
      return;
    }
    worker = runCli(['worker']);
  };

  const schedule = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      console.log('[dev] change detected: re-publishing and restarting the worker');
      cycle = cycle.then(restart);
    }, 200);
  };

  watch(path.join(input.dir, 'src'), { recursive: true }, (_event, file) => {
    if (file && !file.endsWith('.test.ts')) schedule();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      clearTimeout(pending);
      stopWorker().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  cycle = cycle.then(restart);
  await cycle;
  console.log(`[dev] watching ${path.join(input.dir, 'src')} — Ctrl+C to stop`);
}
