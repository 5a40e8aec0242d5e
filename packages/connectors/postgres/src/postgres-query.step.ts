import { toJsonRecord } from '@pipewright/connectors-common';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import type { QueryConfig } from 'pg';
import { z } from 'zod';
import { postgresCredential } from './postgres.credential.ts';
import { withPostgresClient } from './postgres-client.ts';

/**
 * Runs one SQL statement with `$1, $2, …` placeholders.  Values travel separately from the SQL (the extended query
 * protocol), so a value can never change the statement.
 */
export const postgresQueryStep = defineStep({
  type: 'postgres.query',
  version: 1,
  kind: 'action',
  title: 'PostgreSQL query',
  description: 'Run a parameterised SQL statement against PostgreSQL.',
  category: 'Databases',
  keywords: ['postgres', 'postgresql', 'sql', 'database', 'select', 'insert', 'update'],
  credentials: { db: postgresCredential },
  input: z.object({
    sql: z.string().trim().min(1).describe('One statement; use $1, $2, … for values'),
    parameters: z.array(z.unknown()).default([]).describe('Values for $1, $2, …'),
  }),
  output: z.object({
    rows: z.array(z.record(z.string(), z.unknown())),
    rowCount: z.number().int(),
    fields: z.array(z.object({ name: z.string(), dataTypeId: z.number().int() })),
  }),
  ui: {
    sql: { label: 'SQL', widget: 'code', placeholder: 'SELECT * FROM orders WHERE id = $1', order: 1 },
    parameters: {
      label: 'Parameters',
      // A JSON array (`["{{ trigger.body.name }}"]`): the fieldList widget would store `{ name, value }` rows.
      help: 'Values for $1, $2, … (expressions allowed)',
      order: 2,
    },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 60_000,
  async run(input, ctx) {
    const db = await readCredential(ctx.credentials, 'db', postgresCredential);
    // The extended protocol even without values: exactly one statement, values never inlined into the SQL.
    // (`queryMode` is supported by pg but missing from its type definitions.)
    const query: QueryConfig<unknown[]> & { queryMode: 'extended' } = {
      text: input.sql,
      values: input.parameters.map(toParameter),
      queryMode: 'extended',
    };
    const result = await withPostgresClient(db, ctx.signal, (client) => client.query(query));
    const rows = result.rows.map(toJsonRecord);
    return {
      rows,
      rowCount: result.rowCount ?? rows.length,
      fields: result.fields.map((field) => ({ name: field.name, dataTypeId: field.dataTypeID })),
    };
  },
});

/** Objects and arrays go to PostgreSQL as JSON text (pg would otherwise turn arrays into PostgreSQL arrays). */
function toParameter(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}
