export { postgresCredential } from './postgres.credential.ts';
export { postgresQueryStep } from './postgres-query.step.ts';
