import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

/**
 * `./pw test` preloads scripts/test-file-watchdog.ts into every test file: a file that leaks a handle fails once
 * its tests are done (after a grace, 1 s here), naming what it left open, instead of holding the run until the
 * suite's deadline.  The real runner (`node --test`) on two throwaway files.
 */
const watchdog = resolve(import.meta.dirname, '../../../scripts/test-file-watchdog.ts');
const dir = mkdtempSync(join(tmpdir(), 'pipewright-watchdog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runFile(name: string, body: string): { status: number | null; output: string } {
  const file = join(dir, name);
  writeFileSync(file, `import { test } from 'node:test';\n${body}\n`);
  const result = spawnSync(process.execPath, ['--test', '--import', watchdog, file], {
    // Without the runner's NODE_TEST_CONTEXT, which would make the inner runner skip its files.
    env: { ...withoutTestContext(process.env), PIPEWRIGHT_TEST_EXIT_GRACE_MS: '1000' },
    encoding: 'utf8',
    // Far past the grace: without the watchdog the leaking file would run into this.
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _context, ...rest } = env;
  return rest;
}

describe('the test file watchdog', () => {
  test('a file that leaves an interval running fails, naming the leaked timer', () => {
    const { status, output } = runFile(
      'leaks.test.mjs',
      "test('passes but leaks', () => { setInterval(() => {}, 1000); });",
    );
    assert.equal(status, 1);
    assert.match(output, /leaks\.test\.mjs finished its tests but did not exit 1 s later; still open: .*Timeout/);
  });

  test('a file that cleans up passes, also with tests registered after a top-level await', () => {
    const { status, output } = runFile(
      'clean.test.mjs',
      "test('one', () => {});\nawait new Promise((done) => setTimeout(done, 50));\ntest('two', () => {});",
    );
    assert.equal(status, 0, output);
    assert.match(output, /pass 2/);
  });
});
