import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { containsBlobRef, isBlobRef } from '@pipewright/runtime';
import { type Db, GridFSBucket, MongoClient } from 'mongodb';
import { BlobAccessError, type BlobStore, createGridFsBlobStore } from './blob-store.ts';
import { offloadLargeValues, resolveBlobRefs } from './offload.ts';

let client: MongoClient;
let db: Db;

before(async () => {
  const stack = await getTestStack();
  client = await MongoClient.connect(stack.mongoUri);
  db = client.db(uniqueName('blobs'));
});
after(async () => {
  await db.dropDatabase();
  await client.close();
});

const meta = { workspaceId: 'w1', workflowId: 'run_test', nodeId: 'fetch' };
const reader = { workspaceId: 'w1', workflowId: 'run_test' };

test('a large body is stored in GridFS (FerretDB) and the small fields stay inline', async () => {
  const store = createGridFsBlobStore(db);
  const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] }));
  const output = { status: 200, headers: { 'content-type': 'application/json' }, body: { items } };
  const offloaded = (await offloadLargeValues(output, store, { limitBytes: 64 * 1024, meta })) as Record<
    string,
    unknown
  >;
  assert.equal(offloaded.status, 200);
  assert.deepEqual(offloaded.headers, output.headers);
  assert.ok(isBlobRef(offloaded.body), 'the body became a reference');
  assert.ok(JSON.stringify(offloaded).length < 1024, 'what enters history is small');
  assert.equal(containsBlobRef(offloaded), true);
  assert.deepEqual(await resolveBlobRefs(offloaded, store, reader), output);
});

test('values under the limit are returned unchanged, without touching the store', async () => {
  const store = { put: () => Promise.reject(new Error('must not store')), get: () => Promise.reject(new Error('no')) };
  const value = { a: 1, b: 'two', c: [3] };
  assert.equal(await offloadLargeValues(value, store, { limitBytes: 1024, meta }), value);
  assert.equal(containsBlobRef(value), false);
});

test('a large string or array at the top is stored whole', async () => {
  const store = createGridFsBlobStore(db);
  const big = 'x'.repeat(300_000);
  const ref = await offloadLargeValues(big, store, { limitBytes: 1024, meta });
  assert.ok(isBlobRef(ref));
  assert.equal(ref.bytes, 300_002);
  assert.equal(await resolveBlobRefs(ref, store, reader), big);
});

test('text with multi-byte characters survives the slices it is written in and the chunks it is read back in', async () => {
  const store = createGridFsBlobStore(db);
  // 4-byte emoji (a surrogate pair in JavaScript) and 2-/3-byte characters, across many 1 MB slices and 255 KB chunks.
  const text = 'aé€😀b'.repeat(300_000); // 11 bytes: the 255 KB chunk boundaries fall inside characters
  const ref = await offloadLargeValues({ text }, store, { limitBytes: 1024, meta });
  assert.deepEqual(await resolveBlobRefs(ref, store, reader), { text });
});

test('a reference that occurs twice in a context is loaded once', async () => {
  const gridFs = createGridFsBlobStore(db);
  let gets = 0;
  const store: BlobStore = {
    put: gridFs.put,
    get(ref, who) {
      gets++;
      return gridFs.get(ref, who);
    },
  };
  const output = { body: { items: Array.from({ length: 5_000 }, (_, i) => ({ id: i })) } };
  const offloaded = await offloadLargeValues(output, store, { limitBytes: 1024, meta });
  // A node's output is both its successor's `input` and `steps.<node>`.
  const context = { input: offloaded, steps: { fetch: offloaded } };
  assert.deepEqual(await resolveBlobRefs(context, store, reader), { input: output, steps: { fetch: output } });
  assert.equal(gets, 1);
});

test('a reference to another workspace’s blob is refused, whoever wrote the reference', async () => {
  const store = createGridFsBlobStore(db);
  const secret = { rows: 'other workspace data '.repeat(100) };
  const theirs = await store.put(secret, { workspaceId: 'w2', workflowId: 'run_theirs', nodeId: 'fetch' });
  // The reference is plain JSON: a webhook body or an API response can carry a copy of it.
  const forged = JSON.parse(JSON.stringify({ input: { x: theirs } }));
  await assert.rejects(resolveBlobRefs(forged, store, reader), (error: unknown) => {
    assert.ok(error instanceof BlobAccessError);
    assert.doesNotMatch(error.message, /other workspace data/);
    return true;
  });
  await assert.rejects(store.get({ ...theirs, id: 'not-an-object-id' }, reader), BlobAccessError);
  await assert.rejects(store.get({ ...theirs, id: '0123456789abcdef01234567' }, reader), BlobAccessError);
  assert.deepEqual(await store.get(theirs, { workspaceId: 'w2', workflowId: 'run_other_of_w2' }), secret);
});

test('a blob stored before blobs carried their workspace is readable by its own run only', async () => {
  const bucket = new GridFSBucket(db, { bucketName: 'blobs' });
  const upload = bucket.openUploadStream('run_old/fetch', { metadata: { workflowId: 'run_old', nodeId: 'fetch' } });
  upload.end(Buffer.from('{"old":true}'));
  await new Promise((resolve) => upload.once('finish', resolve));
  const ref = { __pipewrightBlob: 1 as const, id: upload.id.toHexString(), bytes: 12 };
  const store = createGridFsBlobStore(db);
  assert.deepEqual(await store.get(ref, { workspaceId: 'w1', workflowId: 'run_old' }), { old: true });
  await assert.rejects(store.get(ref, { workspaceId: 'w1', workflowId: 'run_new' }), BlobAccessError);
});
