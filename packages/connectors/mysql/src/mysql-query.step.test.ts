import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { mysqlCredential } from './mysql.credential.ts';
import { mysqlQueryStep } from './mysql-query.step.ts';

const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
const root = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
// MariaDB checks passwords, so the tests run as a throwaway user whose password must never reach a message.
const PASSWORD = `Fake-Pw-${suffix}`;
const db = { ...root, user: `pw_${suffix}`, password: PASSWORD };
const table = `pw_test_${suffix}`;
const query = (sql: string, parameters: unknown[] = [], credential: Record<string, unknown> = db) =>
  runStep(mysqlQueryStep, { sql, parameters }, createTestContext({ credentials: { db: credential } }));

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

describe('mysql.query against the local MariaDB', () => {
  before(async () => {
    await query(`CREATE USER '${db.user}'@'%' IDENTIFIED BY '${PASSWORD}'`, [], root);
    await query(`GRANT ALL PRIVILEGES ON test.* TO '${db.user}'@'%'`, [], root);
    await query(
      `CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL UNIQUE, meta JSON, at DATETIME)`,
    );
  });
  after(async () => {
    await query(`DROP TABLE IF EXISTS ${table}`, [], root);
    await query(`DROP USER IF EXISTS '${db.user}'@'%'`, [], root);
  });

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(mysqlQueryStep).credentials, { db: 'mysql' });
  });

  it('inserts with parameters and selects the rows back as JSON', async () => {
    const inserted = await query(`INSERT INTO ${table} (name, meta, at) VALUES (?, ?, ?), (?, ?, ?)`, [
      'ada',
      { tags: ['math'] },
      '2024-01-02 03:04:05',
      'grace',
      null,
      null,
    ]);
    assert.deepEqual(inserted, { rows: [], rowCount: 2, fields: [] });
    const selected = await query(
      `SELECT name, JSON_EXTRACT(meta, '$.tags[0]') AS tag, at, COUNT(*) OVER () AS total FROM ${table} WHERE name IN (?, ?) ORDER BY name`,
      ['ada', 'grace'],
    );
    assert.deepEqual(selected.rows, [
      { name: 'ada', tag: 'math', at: '2024-01-02T03:04:05.000Z', total: '2' },
      { name: 'grace', tag: null, at: null, total: '2' },
    ]);
    assert.equal(selected.rowCount, 2);
    assert.deepEqual(
      selected.fields.map((field) => field.name),
      ['name', 'tag', 'at', 'total'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(selected)), selected, 'the output is plain JSON');
  });

  it('keeps an SQL injection attempt in a parameter as data', async () => {
    const attack = `x'); DROP TABLE ${table}; -- \\' OR 1=1`;
    await query(`INSERT INTO ${table} (name) VALUES (?)`, [attack]);
    const found = await query(`SELECT name FROM ${table} WHERE name = ?`, [attack]);
    assert.deepEqual(found.rows, [{ name: attack }]);
    const rest = await query(`SELECT name FROM ${table} WHERE name = ?`, [`' OR '1'='1`]);
    assert.deepEqual(rest.rows, [], 'a quoted OR matches nothing');
  });

  it('refuses several statements in one call', async () => {
    await assert.rejects(query(`SELECT 1; DROP TABLE ${table}`), assertStepError(false, /ER_PARSE_ERROR/));
    await query(`SELECT COUNT(*) FROM ${table}`);
  });

  it('fails a syntax error without retry, scrubbing the password the server echoes back', async () => {
    await assert.rejects(
      query(`SELEC '${PASSWORD}'`),
      assertStepError(false, /error in your SQL syntax.*near 'SELEC '\[redacted\]''.*\(ER_PARSE_ERROR\)/),
    );
  });

  it('fails a constraint violation without retry', async () => {
    await query(`INSERT INTO ${table} (name) VALUES (?)`, ['unique-one']);
    await assert.rejects(
      query(`INSERT INTO ${table} (name) VALUES (?)`, ['unique-one']),
      assertStepError(false, /Duplicate entry 'unique-one'.*ER_DUP_ENTRY/),
    );
  });

  it('retries when the server cannot be reached', async () => {
    await assert.rejects(
      query('SELECT 1', [], { ...db, port: 1 }),
      assertStepError(true, /could not connect to MySQL at 127\.0\.0\.1:1: .*ECONNREFUSED/),
    );
  });

  it('stops a running query when the activity is cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runStep(
      mysqlQueryStep,
      { sql: 'SELECT SLEEP(10)' },
      createTestContext({ credentials: { db }, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, assertStepError(true, /cancelled or timed out/));
    assert.ok(Date.now() - started < 5000, 'did not wait for the query to finish');
  });
});

describe('mysql credential test()', () => {
  const test = (values: Record<string, unknown>) => testCredential(mysqlCredential, values);

  it('passes for a working connection (default port)', async () => {
    const { port: _port, ...withoutPort } = root;
    await test(withoutPort);
  });

  it('fails, retryable, when the server is unreachable', async () => {
    await assert.rejects(test({ ...root, port: 1 }), assertStepError(true, /ECONNREFUSED/));
  });

  it('fails, not retryable, for a wrong password, without echoing it', async () => {
    await assert.rejects(
      test({ ...root, user: 'pw_nobody', password: PASSWORD }),
      assertStepError(false, /Access denied for user 'pw_nobody'/),
    );
  });
});
