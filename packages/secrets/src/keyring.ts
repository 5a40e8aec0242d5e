/** A master key: 32 random bytes (AES-256) and the id sealed documents name it by. */
export interface MasterKey {
  id: string;
  key: Uint8Array;
}

/**
 * The master keys a process knows.  `primary` wraps new data keys; every key can unwrap, so during a rotation the
 * old and the new key are both present and nothing stops working.
 */
export interface Keyring {
  readonly primaryId: string;
  readonly ids: readonly string[];
  /** The key with this id; throws `UnknownMasterKeyError` when this process does not have it. */
  get(id: string): Uint8Array;
}

export class UnknownMasterKeyError extends Error {
  readonly keyId: string;
  constructor(keyId: string, known: readonly string[]) {
    super(
      `master key "${keyId}" is not configured (known: ${known.join(', ') || 'none'}); ` +
        'add it to PIPEWRIGHT_MASTER_KEYS until every credential is rewrapped under the primary key',
    );
    this.name = 'UnknownMasterKeyError';
    this.keyId = keyId;
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds a keyring from master keys and the id of the primary one.
 *
 * @example
 * const keyring = createKeyring({ keys: [{ id: 'k1', key: randomBytes(32) }], primary: 'k1' });
 */
export function createKeyring(input: { keys: readonly MasterKey[]; primary: string }): Keyring {
  const keys = new Map<string, Uint8Array>();
  for (const { id, key } of input.keys) {
    if (!KEY_ID.test(id)) throw new Error(`master key id "${id}" must be 1-64 letters, digits, ".", "_" or "-"`);
    if (key.byteLength !== 32) throw new Error(`master key "${id}" must be 32 bytes (got ${key.byteLength})`);
    if (keys.has(id)) throw new Error(`master key id "${id}" appears twice`);
    keys.set(id, Uint8Array.from(key));
  }
  if (!keys.has(input.primary)) {
    throw new Error(`the primary master key "${input.primary}" is not among the keys (${[...keys.keys()].join(', ')})`);
  }
  const ids = [...keys.keys()];
  return {
    primaryId: input.primary,
    ids,
    get(id) {
      const key = keys.get(id);
      if (!key) throw new UnknownMasterKeyError(id, ids);
      return key;
    },
  };
}
