import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

// The server loads every step definition for its catalog and the worker for its activities; a process that runs no
// PostgreSQL or MySQL step should not carry those drivers (12 MB of RSS each): they load with the first connection.
test('loading every built-in step definition loads no PostgreSQL or MySQL driver', async () => {
  const script = `
    import { createRequire } from 'node:module';
    const { builtinStepDefinitions } = await import(${JSON.stringify(import.meta.resolve('./index.ts'))});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({
      steps: builtinStepDefinitions.length,
      drivers: loaded.filter((path) => /node_modules\\/(pg|mysql2)\\//.test(path)),
    }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { steps: number; drivers: string[] };
  assert.ok(result.steps > 10, `the step definitions loaded (${result.steps})`);
  assert.deepEqual(result.drivers, []);
});
