import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createJsonLogger, parseLogLevel } from './json-logger.ts';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

test('PIPEWRIGHT_LOG_LEVEL is one of the five levels, info unless set', () => {
  assert.equal(parseLogLevel(undefined), 'INFO');
  assert.equal(parseLogLevel(' debug '), 'DEBUG');
  assert.throws(() => parseLogLevel('loud'), /PIPEWRIGHT_LOG_LEVEL: "loud" is not one of/);
});

test('a line names its process and level, keeps its fields, and drops what is below the level', () => {
  const { lines, destination } = captured();
  const logger = createJsonLogger('server', 'INFO', destination);
  logger.debug('not written');
  logger.warn('run start refused', { runId: 'r1', workspaceId: 'w1' });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.process, 'server');
  assert.equal(lines[0]?.msg, 'run start refused');
  assert.equal(lines[0]?.level, 40);
  assert.equal(lines[0]?.runId, 'r1');
});

test('an error field is written with its type, message and stack, not as an empty object', () => {
  const { lines, destination } = captured();
  createJsonLogger('worker', 'INFO', destination).error('flush failed', { error: new TypeError('boom') });
  const error = lines[0]?.error as Record<string, unknown>;
  assert.equal(error.type, 'TypeError');
  assert.equal(error.message, 'boom');
  assert.match(String(error.stack), /TypeError: boom/);
});
