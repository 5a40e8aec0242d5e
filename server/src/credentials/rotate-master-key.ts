/**
 * Master-key rotation without downtime.  Procedure (docs/credentials.md has the long form):
 *   1. Add the new key to PIPEWRIGHT_MASTER_KEYS of every server and worker, keeping the old one; roll them.
 *   2. Make it primary (PIPEWRIGHT_MASTER_KEY_ID=<new>); roll again.  New writes now use it; reads use either key.
 *   3. Run this command: `node server/src/credentials/rotate-master-key.ts` (same env as the server).  It rewraps
 *      each credential's data key under the primary key, one document at a time, with a compare-and-set on
 *      `version` so a concurrent edit is never overwritten.  Values are never decrypted, only data keys.
 *   4. When it reports 0 remaining, remove the old key from PIPEWRIGHT_MASTER_KEYS.
 */

import { type Keyring, loadKeyring, MASTER_KEYS_HELP, rewrapCredential } from '@pipewright/secrets';
import { type Db, MongoClient } from 'mongodb';
import { CredentialsRepository } from './credentials.repository.ts';

export interface RotationReport {
  primaryKeyId: string;
  scanned: number;
  rewrapped: number;
  /** Credentials still under another key (each with the reason); 0 means the old keys can be removed. */
  failed: { id: string; reason: string }[];
}

const PAGE = 100;
const ATTEMPTS = 5;

export async function rotateMasterKey(input: { db: Db; keyring: Keyring }): Promise<RotationReport> {
  const repository = new CredentialsRepository(input.db);
  const report: RotationReport = { primaryKeyId: input.keyring.primaryId, scanned: 0, rewrapped: 0, failed: [] };
  let afterId: string | undefined;
  for (;;) {
    const page = await repository.page(afterId, PAGE);
    if (page.length === 0) break;
    for (const first of page) {
      report.scanned += 1;
      let record: typeof first | null = first;
      for (let attempt = 1; record && record.sealed.keyId !== input.keyring.primaryId; attempt += 1) {
        if (attempt > ATTEMPTS) {
          report.failed.push({ id: first._id, reason: `changed concurrently ${ATTEMPTS} times; run again` });
          break;
        }
        try {
          const sealed = rewrapCredential(input.keyring, record.sealed, {
            workspaceId: record.workspaceId,
            credentialId: record._id,
          });
          if (await repository.compareAndSet(record, { sealed })) {
            report.rewrapped += 1;
            break;
          }
        } catch (error) {
          report.failed.push({ id: first._id, reason: error instanceof Error ? error.message : String(error) });
          break;
        }
        record = await repository.findById(first.workspaceId, first._id);
      }
    }
    afterId = page.at(-1)?._id;
  }
  return report;
}

async function main(): Promise<void> {
  const keyring = loadKeyring(process.env);
  if (!keyring) throw new Error(`no master keys configured: ${MASTER_KEYS_HELP}`);
  const mongo = await new MongoClient(process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017').connect();
  try {
    const report = await rotateMasterKey({ db: mongo.db(process.env.MONGODB_DB || 'pipewright'), keyring });
    console.log(
      `rotated to master key "${report.primaryKeyId}": ${report.scanned} credentials scanned, ${report.rewrapped} rewrapped, ` +
        `${report.failed.length} still under another key`,
    );
    for (const failure of report.failed) console.log(`  ${failure.id}: ${failure.reason}`);
    if (report.failed.length === 0) console.log('every credential uses the primary key: old keys can be removed');
    else process.exitCode = 1;
  } finally {
    await mongo.close();
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
