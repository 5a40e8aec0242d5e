import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from './keyring.ts';

/**
 * A credential's values at rest: encrypted with a fresh AES-256-GCM data key, which is itself encrypted ("wrapped")
 * with a master key named by `keyId`.  Both encryptions bind the workspace and credential id as associated data, so
 * a sealed document copied onto another credential or workspace does not open.  All binary fields are base64.
 */
export const sealedCredentialSchema = z.object({
  format: z.literal(1),
  keyId: z.string(),
  wrappedDataKey: z.string(),
  dataKeyIv: z.string(),
  dataKeyTag: z.string(),
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});
export type SealedCredential = z.infer<typeof sealedCredentialSchema>;

/** What a sealed credential is bound to (GCM associated data). */
export interface CredentialBinding {
  workspaceId: string;
  credentialId: string;
}

export class CredentialDecryptionError extends Error {
  constructor(binding: CredentialBinding, cause: unknown) {
    super(
      `credential "${binding.credentialId}" of workspace "${binding.workspaceId}" could not be decrypted ` +
        '(wrong master key, or the stored document was altered or belongs to another credential)',
      { cause },
    );
    this.name = 'CredentialDecryptionError';
  }
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/** Length-prefixed parts, so ("a:b", "c") and ("a", "b:c") never give the same associated data. */
function associatedData(purpose: 'data-key' | 'values', binding: CredentialBinding): Buffer {
  return Buffer.from(JSON.stringify(['pipewright.credential.v1', purpose, binding.workspaceId, binding.credentialId]));
}

function encrypt(key: Uint8Array, plaintext: Uint8Array, aad: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function decrypt(key: Uint8Array, parts: { iv: string; ciphertext: string; tag: string }, aad: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(parts.iv, 'base64'));
  decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(parts.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(parts.ciphertext, 'base64')), decipher.final()]);
}

function wrapDataKey(keyring: Keyring, dataKey: Uint8Array, binding: CredentialBinding) {
  const keyId = keyring.primaryId;
  const wrapped = encrypt(keyring.get(keyId), dataKey, associatedData('data-key', binding));
  return {
    keyId,
    wrappedDataKey: wrapped.ciphertext.toString('base64'),
    dataKeyIv: wrapped.iv.toString('base64'),
    dataKeyTag: wrapped.tag.toString('base64'),
  };
}

function unwrapDataKey(keyring: Keyring, sealed: SealedCredential, binding: CredentialBinding): Buffer {
  const masterKey = keyring.get(sealed.keyId);
  try {
    return decrypt(
      masterKey,
      { iv: sealed.dataKeyIv, ciphertext: sealed.wrappedDataKey, tag: sealed.dataKeyTag },
      associatedData('data-key', binding),
    );
  } catch (error) {
    throw new CredentialDecryptionError(binding, error);
  }
}

/**
 * Encrypts a credential's values (any JSON value) under a new data key wrapped by the keyring's primary key.
 *
 * @example
 * const sealed = sealCredential(keyring, { token: 's3cret' }, { workspaceId: 'ws1', credentialId: 'cred_1' });
 */
export function sealCredential(keyring: Keyring, values: unknown, binding: CredentialBinding): SealedCredential {
  const dataKey = randomBytes(32);
  try {
    const body = encrypt(dataKey, Buffer.from(JSON.stringify(values), 'utf8'), associatedData('values', binding));
    return {
      format: 1,
      ...wrapDataKey(keyring, dataKey, binding),
      iv: body.iv.toString('base64'),
      ciphertext: body.ciphertext.toString('base64'),
      tag: body.tag.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Decrypts a sealed credential.  Throws `UnknownMasterKeyError` when the keyring lacks its key, and
 * `CredentialDecryptionError` when anything was altered or the binding is not the one it was sealed with.
 */
export function openCredential(keyring: Keyring, sealed: SealedCredential, binding: CredentialBinding): unknown {
  const dataKey = unwrapDataKey(keyring, sealed, binding);
  try {
    const plaintext = decrypt(dataKey, sealed, associatedData('values', binding));
    return JSON.parse(plaintext.toString('utf8'));
  } catch (error) {
    throw new CredentialDecryptionError(binding, error);
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps the data key under the keyring's primary key (master-key rotation).  The values' ciphertext is untouched,
 * so this never sees them.  Returns the document unchanged when it already uses the primary key.
 */
export function rewrapCredential(
  keyring: Keyring,
  sealed: SealedCredential,
  binding: CredentialBinding,
): SealedCredential {
  if (sealed.keyId === keyring.primaryId) return sealed;
  const dataKey = unwrapDataKey(keyring, sealed, binding);
  try {
    return { ...sealed, ...wrapDataKey(keyring, dataKey, binding) };
  } finally {
    dataKey.fill(0);
  }
}
