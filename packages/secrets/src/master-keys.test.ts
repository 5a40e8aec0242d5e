import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCredential, sealCredential } from './envelope.ts';
import { loadKeyring } from './master-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadKeyring', () => {
  it('reads PIPEWRIGHT_MASTER_KEYS with the primary named by PIPEWRIGHT_MASTER_KEY_ID', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const keyring = loadKeyring({ PIPEWRIGHT_MASTER_KEYS: `old:${a}, new:${b}`, PIPEWRIGHT_MASTER_KEY_ID: 'new' });
    assert.equal(keyring?.primaryId, 'new');
    assert.deepEqual(keyring?.ids, ['old', 'new']);
  });

  it('takes the only key as primary, and insists on a primary when there are several', () => {
    const a = randomBytes(32).toString('base64');
    assert.equal(loadKeyring({ PIPEWRIGHT_MASTER_KEYS: `only:${a}` })?.primaryId, 'only');
    assert.throws(() => loadKeyring({ PIPEWRIGHT_MASTER_KEYS: `a:${a},b:${a}` }), /PIPEWRIGHT_MASTER_KEY_ID/);
    assert.throws(() => loadKeyring({ PIPEWRIGHT_MASTER_KEYS: 'a:c2hvcnQ=' }), /32 bytes/);
  });

  it('generates a 0600 key file in the data folder once and reuses it', () => {
    const first = loadKeyring({ PIPEWRIGHT_DATA_DIR: dir });
    assert.ok(first);
    const file = join(dir, 'master-keys.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadKeyring({ PIPEWRIGHT_DATA_DIR: dir });
    assert.ok(second);
    const binding = { workspaceId: 'w', credentialId: 'c' };
    assert.deepEqual(openCredential(second, sealCredential(first, { a: 1 }, binding), binding), { a: 1 });
  });

  it('refuses a key file other users can read', () => {
    const file = join(dir, 'loose.json');
    loadKeyring({ PIPEWRIGHT_MASTER_KEY_FILE: file });
    chmodSync(file, 0o644);
    assert.throws(() => loadKeyring({ PIPEWRIGHT_MASTER_KEY_FILE: file }), /chmod 600/);
  });

  it('is undefined when nothing is configured', () => {
    assert.equal(loadKeyring({}), undefined);
  });
});
