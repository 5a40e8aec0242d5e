import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { freePort, getTestStack, uniqueName, within } from '@pipewright/devstack';

let server: ChildProcess | undefined;
after(() => {
  server?.kill('SIGKILL');
});

test('the server logs one JSON object a line, from its first line to its shutdown', async () => {
  const stack = await getTestStack();
  const port = await freePort();
  // The server as deployed (main.ts), so its stdout is what an operator's log shipper reads.
  server = spawn(process.execPath, ['src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      MONGODB_URI: stack.mongoUri,
      MONGODB_DB: uniqueName('logs'),
      PORT: String(port),
      PIPEWRIGHT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const child = server;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const sawLine = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(text) && resolve();
      child.stdout?.on('data', check);
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
      check();
    });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await within(() => `the server to listen:\n${output}`, sawLine('pipewright server listening'), 60_000);
  assert.equal((await fetch(`http://127.0.0.1:${port}/api/health`)).status, 200);
  child.kill('SIGTERM');
  await within(() => `the server to stop:\n${output}`, exited, 30_000);

  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const parsed = lines.map((line) => {
    assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
    return JSON.parse(line) as Record<string, unknown>;
  });
  assert.ok(parsed.every((line) => line.process === 'server' && typeof line.time === 'number'));
  const listening = parsed.find((line) => String(line.msg).startsWith('pipewright server listening'));
  assert.equal(listening?.msg, `pipewright server listening on http://localhost:${port}`);
  assert.equal(typeof listening?.taskQueue, 'string');
  assert.ok(parsed.some((line) => line.msg === 'SIGTERM: shutting down'));
});
