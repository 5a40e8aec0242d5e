import { databaseConnectionFields, databaseConnectionUi, defineCredential } from '@pipewright/step-sdk';
import { withPostgresClient } from './postgres-client.ts';

/** A PostgreSQL connection; its "Test connection" runs `SELECT 1`. */
export const postgresCredential = defineCredential({
  type: 'postgres',
  version: 1,
  title: 'PostgreSQL',
  description: 'Host, port, user, password and database of a PostgreSQL server.',
  fields: databaseConnectionFields(5432),
  secretFields: ['password'],
  ui: databaseConnectionUi,
  async test(values, ctx) {
    await withPostgresClient(values, ctx.signal, (client) => client.query('SELECT 1'));
  },
});
