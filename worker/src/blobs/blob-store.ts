import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRef } from '@pipewright/runtime';
import { type Db, GridFSBucket, ObjectId } from 'mongodb';
import { readUtf8 } from '../streams/read-utf8.ts';
import { jsonUtf8Slices } from './json-text.ts';

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
  /** Stores `value` as JSON text. */
  put(value: unknown, meta: BlobMeta): Promise<BlobRef>;
  get(ref: BlobRef): Promise<unknown>;
}

/** GridFS: plain collections (`blobs.files`, `blobs.chunks`), which MongoDB and FerretDB v1 both support. */
export function createGridFsBlobStore(db: Db, bucketName = 'blobs'): BlobStore {
  const bucket = new GridFSBucket(db, { bucketName });
  return {
    async put(value, meta) {
      const upload = bucket.openUploadStream(`${meta.workflowId}/${meta.nodeId}`, {
        metadata: { ...meta, contentType: 'application/json' },
      });
      let bytes = 0;
      const counted = function* () {
        for (const slice of jsonUtf8Slices(value)) {
          bytes += slice.length;
          yield slice;
        }
      };
      await pipeline(Readable.from(counted()), upload);
      return { __pipewrightBlob: 1, id: upload.id.toHexString(), bytes };
    },
    async get(ref) {
      return JSON.parse(await readUtf8(bucket.openDownloadStream(new ObjectId(ref.id))));
    },
  };
}
