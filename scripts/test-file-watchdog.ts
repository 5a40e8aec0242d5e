/**
 * Preloaded into every test file's process by `./pw test` (`--import`): once the file's tests and hooks are done, the
 * process must exit.  One that leaked a handle (a server not closed, a worker not shut down, an interval) would keep
 * the runner waiting until the suite's deadline; instead it is ended after a grace period, failing the file with
 * the resources it leaked.  The grace (PIPEWRIGHT_TEST_EXIT_GRACE_MS, default 60 s) covers the file's own `after`
 * hooks, which run after this one: a worker drains before it stops.
 */
import { after } from 'node:test';

const graceMs = Number(process.env.PIPEWRIGHT_TEST_EXIT_GRACE_MS ?? 60_000);

after(() => {
  // unref: this timer alone never keeps the process alive.
  setTimeout(() => {
    const file = process.argv.at(-1) ?? 'a test file';
    console.error(
      `[test] ${file} finished its tests but did not exit ${graceMs / 1000} s later; still open: ` +
        process.getActiveResourcesInfo().join(', '),
    );
    process.exit(1);
  }, graceMs).unref();
});
