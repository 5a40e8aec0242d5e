import { databaseConnectionFields, databaseConnectionUi, defineCredential } from '@pipewright/step-sdk';
import { withMysqlConnection } from './mysql-client.ts';

/** A MySQL or MariaDB connection; its "Test connection" runs `SELECT 1`. */
export const mysqlCredential = defineCredential({
  type: 'mysql',
  version: 1,
  title: 'MySQL / MariaDB',
  description: 'Host, port, user, password and database of a MySQL or MariaDB server.',
  fields: databaseConnectionFields(3306),
  secretFields: ['password'],
  ui: databaseConnectionUi,
  async test(values, ctx) {
    await withMysqlConnection(values, ctx.signal, (connection) => connection.query('SELECT 1'));
  },
});
