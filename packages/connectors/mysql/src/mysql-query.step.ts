import { toJsonRecord } from '@pipewright/connectors-common';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { mysqlCredential } from './mysql.credential.ts';
import { withMysqlConnection } from './mysql-client.ts';

/**
 * Runs one SQL statement with `?` placeholders as a server-side prepared statement: values travel separately from
 * the SQL, so a value can never change the statement.
 */
export const mysqlQueryStep = defineStep({
  type: 'mysql.query',
  version: 1,
  kind: 'action',
  title: 'MySQL / MariaDB query',
  description: 'Run a parameterised SQL statement against MySQL or MariaDB.',
  category: 'Databases',
  keywords: ['mysql', 'mariadb', 'sql', 'database', 'select', 'insert', 'update'],
  credentials: { db: mysqlCredential },
  input: z.object({
    sql: z.string().trim().min(1).describe('One statement; use ? for values'),
    parameters: z.array(z.unknown()).default([]).describe('Values for the ? placeholders, in order'),
  }),
  output: z.object({
    rows: z.array(z.record(z.string(), z.unknown())),
    rowCount: z.number().int(),
    fields: z.array(z.object({ name: z.string(), dataTypeId: z.number().int() })),
  }),
  ui: {
    sql: { label: 'SQL', widget: 'code', placeholder: 'SELECT * FROM orders WHERE id = ?', order: 1 },
    parameters: {
      label: 'Parameters',
      widget: 'fieldList',
      help: 'Values for ?, in order (expressions allowed)',
      order: 2,
    },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 60_000,
  async run(input, ctx) {
    const db = await readCredential(ctx.credentials, 'db', mysqlCredential);
    const [result, fields] = await withMysqlConnection(db, ctx.signal, (connection) =>
      connection.execute(input.sql, input.parameters.map(toParameter)),
    );
    if (!Array.isArray(result)) {
      // INSERT/UPDATE/DELETE/DDL answer with a header: no rows, the number of rows changed.
      return { rows: [], rowCount: result.affectedRows, fields: [] };
    }
    const rows = result.map(toJsonRecord);
    return {
      rows,
      rowCount: rows.length,
      fields: (fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.columnType ?? field.type ?? 0 })),
    };
  },
});

/** Objects and arrays go to the server as JSON text; `undefined` (which the protocol cannot carry) as NULL. */
function toParameter(value: unknown): string | number | boolean | null | bigint {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value;
  return JSON.stringify(value);
}
