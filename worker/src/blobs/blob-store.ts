import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRef } from '@pipewright/runtime';
import { type Db, GridFSBucket, ObjectId } from 'mongodb';

/**
 * Large step outputs are stored outside Temporal (docs/architecture.md, decision 5): history carries a small reference
 * (`BlobRef`, defined by the runtime, which must recognise it), so Temporal's 2 MB payload and history limits never
 * decide whether a flow works.
 */
export interface BlobMeta {
  workflowId: string;
  nodeId: string;
}

export interface BlobStore {
  put(json: string, meta: BlobMeta): Promise<BlobRef>;
  get(ref: BlobRef): Promise<unknown>;
}

/** GridFS: plain collections (`blobs.files`, `blobs.chunks`), which MongoDB and FerretDB v1 both support. */
export function createGridFsBlobStore(db: Db, bucketName = 'blobs'): BlobStore {
  const bucket = new GridFSBucket(db, { bucketName });
  return {
    async put(json, meta) {
      const data = Buffer.from(json, 'utf8');
      const upload = bucket.openUploadStream(`${meta.workflowId}/${meta.nodeId}`, {
        metadata: { ...meta, contentType: 'application/json' },
      });
      await pipeline(Readable.from([data]), upload);
      return { __pipewrightBlob: 1, id: upload.id.toHexString(), bytes: data.length };
    },
    async get(ref) {
      const chunks: Buffer[] = [];
      for await (const chunk of bucket.openDownloadStream(new ObjectId(ref.id))) chunks.push(chunk as Buffer);
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    },
  };
}
