import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isStepError, type StepContext, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { postgresCredential } from './postgres.credential.ts';
import { postgresQueryStep } from './postgres-query.step.ts';

// The local server uses trust auth, so it ignores this password: it is here to prove it never reaches a message.
const PASSWORD = 'Fake-Pw-9137';
const db = { host: '127.0.0.1', port: 5432, user: 'postgres', password: PASSWORD, database: 'test' };
const table = `pw_test_${randomUUID().replaceAll('-', '')}`;
const ctxWith = (credential: Record<string, unknown>, extra: { signal?: AbortSignal } = {}): StepContext =>
  createTestContext({ credentials: { db: credential }, ...extra });
const query = (sql: string, parameters: unknown[] = [], credential: Record<string, unknown> = db) =>
  runStep(postgresQueryStep, { sql, parameters }, ctxWith(credential));

function assertStepError(retryable: boolean, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(PASSWORD), `password leaked: ${error.message}`);
    assert.ok(!JSON.stringify(error.details ?? null).includes(PASSWORD), 'password leaked into details');
    return true;
  };
}

describe('postgres.query against the local PostgreSQL', () => {
  before(async () => {
    await query(`CREATE TABLE ${table} (id serial PRIMARY KEY, name text NOT NULL UNIQUE, meta jsonb, at timestamptz)`);
  });
  after(async () => {
    await query(`DROP TABLE IF EXISTS ${table}`);
  });

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(postgresQueryStep).credentials, { db: 'postgres' });
  });

  it('inserts with parameters and selects the rows back as JSON', async () => {
    const inserted = await query(
      `INSERT INTO ${table} (name, meta, at) VALUES ($1, $2, $3), ($4, $5, $6) RETURNING id`,
      ['ada', { tags: ['math'] }, '2024-01-02T03:04:05Z', 'grace', null, null],
    );
    assert.equal(inserted.rowCount, 2);
    const selected = await query(
      `SELECT name, meta, at, count(*) OVER () AS total FROM ${table} WHERE name = ANY($1) ORDER BY name`,
      [['ada', 'grace']],
    );
    assert.deepEqual(selected.rows, [
      { name: 'ada', meta: { tags: ['math'] }, at: '2024-01-02T03:04:05.000Z', total: '2' },
      { name: 'grace', meta: null, at: null, total: '2' },
    ]);
    assert.equal(selected.rowCount, 2);
    assert.deepEqual(
      selected.fields.map((field) => field.name),
      ['name', 'meta', 'at', 'total'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(selected)), selected, 'the output is plain JSON');
  });

  it('keeps an SQL injection attempt in a parameter as data', async () => {
    const attack = `x'); DROP TABLE ${table}; --`;
    await query(`INSERT INTO ${table} (name) VALUES ($1)`, [attack]);
    const found = await query(`SELECT name FROM ${table} WHERE name = $1`, [attack]);
    assert.deepEqual(found.rows, [{ name: attack }]);
    assert.equal((await query(`SELECT count(*) AS n FROM ${table}`)).rowCount, 1, 'the table is still there');
  });

  it('refuses several statements in one call', async () => {
    await assert.rejects(
      query(`SELECT 1; DROP TABLE ${table}`),
      assertStepError(false, /cannot insert multiple commands into a prepared statement/),
    );
  });

  it('fails a syntax error without retry, with the SQLSTATE and without the password', async () => {
    await assert.rejects(query('SELEC 1'), assertStepError(false, /syntax error at or near "SELEC".*42601/));
  });

  it('scrubs the password even when the server echoes it back', async () => {
    await assert.rejects(
      query(`SELECT * FROM "${PASSWORD}"`),
      assertStepError(false, /relation "\[redacted\]" does not exist/),
    );
  });

  it('fails a constraint violation without retry', async () => {
    await query(`INSERT INTO ${table} (name) VALUES ($1)`, ['unique-one']);
    await assert.rejects(
      query(`INSERT INTO ${table} (name) VALUES ($1)`, ['unique-one']),
      assertStepError(false, /duplicate key value violates unique constraint/),
    );
  });

  it('retries when the server cannot be reached', async () => {
    await assert.rejects(
      query('SELECT 1', [], { ...db, port: 1 }),
      assertStepError(true, /could not connect to PostgreSQL at 127\.0\.0\.1:1: .*ECONNREFUSED/),
    );
  });

  it('stops a running query when the activity is cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runStep(
      postgresQueryStep,
      { sql: 'SELECT pg_sleep(10)' },
      ctxWith(db, { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, assertStepError(true, /cancelled or timed out/));
    assert.ok(Date.now() - started < 5000, 'did not wait for the query to finish');
  });

  it('fails without retry when the credential is incomplete', async () => {
    await assert.rejects(query('SELECT 1', [], { port: 5432 }), assertStepError(false, /check host, user, database/));
  });
});

describe('postgres credential test()', () => {
  const test = (values: Record<string, unknown>) => testCredential(postgresCredential, values);

  it('passes for a working connection (default port)', async () => {
    const { port: _port, ...withoutPort } = db;
    await test(withoutPort);
  });

  it('fails, retryable, when the server is unreachable', async () => {
    await assert.rejects(test({ ...db, port: 1 }), assertStepError(true, /ECONNREFUSED/));
  });

  it('fails, not retryable, for a database that does not exist', async () => {
    await assert.rejects(test({ ...db, database: 'no_such_db_pw' }), assertStepError(false, /does not exist/));
  });
});
