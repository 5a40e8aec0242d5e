export { mysqlCredential } from './mysql.credential.ts';
export { mysqlQueryStep } from './mysql-query.step.ts';
