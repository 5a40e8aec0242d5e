import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isRunning, type ManagedProcess, startProcess } from './processes.ts';
import { waitFor } from './waiting.ts';

const dir = mkdtempSync(join(tmpdir(), 'pipewright-processes-'));
let stubborn: ManagedProcess | undefined;
let stubbornPid: number | undefined;
after(async () => {
  // Also when the test failed: nothing it started may outlive it.
  if (stubbornPid !== undefined && isRunning(stubbornPid)) process.kill(stubbornPid, 'SIGKILL');
  await stubborn?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('stopping a managed process', () => {
  test('a program that ignores SIGTERM is killed with its watchdog, not left running as an orphan', async () => {
    const logFile = join(dir, 'stubborn.log');
    const managed = startProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', "process.on('SIGTERM', () => {}); console.log('pid', process.pid); setInterval(() => {}, 1000);"],
      logFile,
    });
    stubborn = managed;
    const pid = await waitFor('the program to print its pid', () => {
      const match = /pid (\d+)/.exec(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
      return match ? Number(match[1]) : undefined;
    });
    stubbornPid = pid;
    await managed.stop();
    assert.equal(isRunning(pid), false, 'the program is gone');
  });
});
