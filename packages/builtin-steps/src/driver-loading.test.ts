import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

/** The database, broker and mail drivers; each loads with the first connection (lazyModule), never with a step. */
const DRIVERS = /\/node_modules\/(pg|mysql2|@redis\/client|mqtt|amqplib|@nats-io\/[^/]+|nodemailer)\//;

// The server loads every step definition for its catalog and the worker for its activities; a process that runs
// none of these steps should not carry their drivers (10–30 MB of RSS each).  A load hook sees every module the
// child loads, ES modules (nodemailer is one) as well as CommonJS ones (`require.cache` would miss the former).
test('loading every built-in step definition loads no database, broker or mail driver', async () => {
  const script = `
    import { createRequire, registerHooks } from 'node:module';
    const loaded = new Set();
    registerHooks({
      load(url, context, nextLoad) {
        loaded.add(url);
        return nextLoad(url, context);
      },
    });
    const { builtinStepDefinitions } = await import(${JSON.stringify(import.meta.resolve('./index.ts'))});
    for (const path of Object.keys(createRequire(import.meta.url).cache)) loaded.add(path);
    const packages = (pattern) => [...new Set([...loaded].map((url) => pattern.exec(url)?.[1]).filter(Boolean))].sort();
    console.log(JSON.stringify({
      steps: builtinStepDefinitions.length,
      zod: packages(/\\/node_modules\\/(zod)\\//),
      drivers: packages(${DRIVERS.toString()}),
    }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    steps: number;
    zod: string[];
    drivers: string[];
  };
  assert.ok(result.steps > 10, `the step definitions loaded (${result.steps})`);
  assert.deepEqual(result.zod, ['zod'], 'the hook sees the ES modules the step definitions load');
  assert.deepEqual(result.drivers, []);
});
