import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createKeyring, type Keyring, type MasterKey } from './keyring.ts';

/**
 * Where master keys come from (docs/architecture.md, decision 4):
 * - Production: `PIPEWRIGHT_MASTER_KEYS=id1:<base64 32 bytes>,id2:<base64>` and `PIPEWRIGHT_MASTER_KEY_ID=id2`
 *   (the primary key; optional when there is a single key).  Generate a key with `openssl rand -base64 32`.
 * - Dev stack: when those are unset, a key file (`PIPEWRIGHT_MASTER_KEY_FILE`, default
 *   `$PIPEWRIGHT_DATA_DIR/master-keys.json`) is read, or created with one random key and mode 0600.
 * Returns undefined when neither is configured, so callers can say what to set.
 */
export function loadKeyring(env: Record<string, string | undefined>): Keyring | undefined {
  const listed = env.PIPEWRIGHT_MASTER_KEYS?.trim();
  if (listed) return keyringFromEnv(listed, env.PIPEWRIGHT_MASTER_KEY_ID?.trim());
  const file =
    env.PIPEWRIGHT_MASTER_KEY_FILE?.trim() ||
    (env.PIPEWRIGHT_DATA_DIR?.trim() ? join(env.PIPEWRIGHT_DATA_DIR.trim(), 'master-keys.json') : undefined);
  return file ? loadOrCreateKeyFile(file) : undefined;
}

export const MASTER_KEYS_HELP =
  'set PIPEWRIGHT_MASTER_KEYS=<id>:<base64 of 32 random bytes> (openssl rand -base64 32) and PIPEWRIGHT_MASTER_KEY_ID=<id>, ' +
  'or PIPEWRIGHT_DATA_DIR for a generated dev key file';

/** Parses `id1:base64,id2:base64`; the primary is `primaryId`, or the only key. */
export function keyringFromEnv(listed: string, primaryId: string | undefined): Keyring {
  const keys: MasterKey[] = listed
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon < 1) throw new Error('PIPEWRIGHT_MASTER_KEYS entries must look like "<id>:<base64 key>"');
      return { id: entry.slice(0, colon), key: decodeKey(entry.slice(colon + 1), entry.slice(0, colon)) };
    });
  const only = keys.length === 1 ? keys[0]?.id : undefined;
  const primary = primaryId || only;
  if (!primary)
    throw new Error('PIPEWRIGHT_MASTER_KEY_ID must name the primary key when PIPEWRIGHT_MASTER_KEYS has several');
  return createKeyring({ keys, primary });
}

function decodeKey(base64: string, id: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.byteLength !== 32)
    throw new Error(`master key "${id}" must be 32 bytes, base64-encoded (got ${key.byteLength} bytes)`);
  return key;
}

const keyFileSchema = z.object({ primary: z.string(), keys: z.record(z.string(), z.string()) });

function loadOrCreateKeyFile(file: string): Keyring {
  try {
    createKeyFile(file);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(`master key file ${file} is readable by other users: chmod 600 it`);
  }
  const parsed = keyFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return createKeyring({
    keys: Object.entries(parsed.keys).map(([id, base64]) => ({ id, key: decodeKey(base64, id) })),
    primary: parsed.primary,
  });
}

/**
 * Written to a temporary file, then hard-linked into place (fails if it exists): a server and a worker starting
 * together end up with the same key, and neither can read a half-written file.
 */
function createKeyFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const id = `dev-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const body = { primary: id, keys: { [id]: randomBytes(32).toString('base64') } };
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temporary, file);
  } finally {
    unlinkSync(temporary);
  }
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST';
}
