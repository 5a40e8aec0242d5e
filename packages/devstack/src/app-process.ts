/**
 * How the server and the worker are started: `node <APP_NODE_FLAGS> src/main.ts` in their folders.  The dev launcher,
 * `./pw bench load`, `./pw bench large` and `./pw chaos` use APP_MAIN_ARGS; deploy/Dockerfile and the apps' `start`
 * scripts spell the same flags out (app-process.test.ts keeps them in step).
 *
 * `--max-semi-space-size=4` (MB): V8's young generation otherwise grows to three 16 MB semi-spaces per isolate — the
 * worker has two, its main thread and the workflow thread — and keeps them.  Measured with `./pw bench load` (10
 * connections, two interleaved pairs): idle RSS worker 305–324 → 266 MB and server 195–204 → 169 MB, after 300 runs
 * worker 410–420 → 300 MB, at the same CPU a run.
 */
export const APP_NODE_FLAGS = ['--max-semi-space-size=4'];

export const APP_MAIN_ARGS = [...APP_NODE_FLAGS, 'src/main.ts'];
