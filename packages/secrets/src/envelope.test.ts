import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CredentialDecryptionError,
  openCredential,
  rewrapCredential,
  type SealedCredential,
  sealCredential,
} from './envelope.ts';
import { createKeyring, UnknownMasterKeyError } from './keyring.ts';

const oldKey = { id: 'k-old', key: randomBytes(32) };
const newKey = { id: 'k-new', key: randomBytes(32) };
const keyring = createKeyring({ keys: [oldKey], primary: 'k-old' });
const binding = { workspaceId: 'ws-1', credentialId: 'cred-1' };
const secret = `canary-${randomBytes(12).toString('hex')}`;
const values = { username: 'ada', password: secret };

/** Flips one bit of a base64 field. */
function tamper(sealed: SealedCredential, field: keyof SealedCredential): SealedCredential {
  const bytes = Buffer.from(String(sealed[field]), 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return { ...sealed, [field]: bytes.toString('base64') };
}

describe('envelope encryption', () => {
  it('opens what it sealed', () => {
    const sealed = sealCredential(keyring, values, binding);
    assert.equal(sealed.keyId, 'k-old');
    assert.deepEqual(openCredential(keyring, sealed, binding), values);
  });

  it('never stores the plaintext: the sealed document contains no trace of the secret', () => {
    const json = JSON.stringify(sealCredential(keyring, values, binding));
    assert.equal(json.includes(secret), false);
    assert.equal(json.includes(Buffer.from(secret).toString('base64').slice(0, 16)), false);
    assert.equal(json.includes('ada'), false);
  });

  it('uses a fresh data key and iv each time', () => {
    const a = sealCredential(keyring, values, binding);
    const b = sealCredential(keyring, values, binding);
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.notEqual(a.wrappedDataKey, b.wrappedDataKey);
  });

  for (const field of ['ciphertext', 'tag', 'iv', 'wrappedDataKey', 'dataKeyTag', 'dataKeyIv'] as const) {
    it(`refuses a document whose ${field} was altered`, () => {
      const sealed = tamper(sealCredential(keyring, values, binding), field);
      assert.throws(() => openCredential(keyring, sealed, binding), CredentialDecryptionError);
    });
  }

  it('refuses to open under another workspace or credential id (associated data)', () => {
    const sealed = sealCredential(keyring, values, binding);
    assert.throws(
      () => openCredential(keyring, sealed, { ...binding, workspaceId: 'ws-2' }),
      CredentialDecryptionError,
    );
    assert.throws(
      () => openCredential(keyring, sealed, { ...binding, credentialId: 'cred-2' }),
      CredentialDecryptionError,
    );
  });

  it('says which master key is missing', () => {
    const sealed = sealCredential(keyring, values, binding);
    const other = createKeyring({ keys: [newKey], primary: 'k-new' });
    assert.throws(
      () => openCredential(other, sealed, binding),
      (error: unknown) =>
        error instanceof UnknownMasterKeyError && error.keyId === 'k-old' && /k-old/.test(error.message),
    );
  });

  it('rewraps under the new primary key with both keys present; the old key can then be dropped', () => {
    const sealed = sealCredential(keyring, values, binding);
    const rotating = createKeyring({ keys: [oldKey, newKey], primary: 'k-new' });
    const rewrapped = rewrapCredential(rotating, sealed, binding);
    assert.equal(rewrapped.keyId, 'k-new');
    assert.equal(rewrapped.ciphertext, sealed.ciphertext, 'the values are not re-encrypted, only the data key');
    assert.notEqual(rewrapped.wrappedDataKey, sealed.wrappedDataKey);
    // During the rotation both versions open.
    assert.deepEqual(openCredential(rotating, sealed, binding), values);
    assert.deepEqual(openCredential(rotating, rewrapped, binding), values);
    const afterwards = createKeyring({ keys: [newKey], primary: 'k-new' });
    assert.deepEqual(openCredential(afterwards, rewrapped, binding), values);
    assert.throws(() => openCredential(afterwards, sealed, binding), UnknownMasterKeyError);
  });

  it('leaves documents already under the primary key as they are', () => {
    const sealed = sealCredential(keyring, values, binding);
    assert.equal(rewrapCredential(keyring, sealed, binding), sealed);
  });

  it('rewrap refuses a document bound to another credential', () => {
    const sealed = sealCredential(keyring, values, binding);
    const rotating = createKeyring({ keys: [oldKey, newKey], primary: 'k-new' });
    assert.throws(
      () => rewrapCredential(rotating, sealed, { ...binding, credentialId: 'x' }),
      CredentialDecryptionError,
    );
  });
});

describe('createKeyring', () => {
  it('rejects keys of the wrong size and a primary that is not among the keys', () => {
    assert.throws(() => createKeyring({ keys: [{ id: 'a', key: randomBytes(16) }], primary: 'a' }), /32 bytes/);
    assert.throws(() => createKeyring({ keys: [oldKey], primary: 'nope' }), /primary master key "nope"/);
    assert.throws(
      () => createKeyring({ keys: [{ id: 'a b', key: randomBytes(32) }], primary: 'a b' }),
      /master key id/,
    );
  });
});
