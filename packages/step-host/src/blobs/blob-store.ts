import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRef } from '@pipewright/runtime';
import { type Db, GridFSBucket, type GridFSFile, MongoRuntimeError, ObjectId } from 'mongodb';
import { readJson } from '../streams/read-json.ts';
import { jsonUtf8Slices } from './json-text.ts';

/**
 * Large step outputs are stored outside Temporal (docs/architecture.md, decision 5): history carries a small reference
 * (`BlobRef`, defined by the runtime, which must recognise it), so Temporal's 2 MB payload and history limits never
 * decide whether a flow works.
 */
export interface BlobMeta {
  workspaceId: string;
  workflowId: string;
  nodeId: string;
}

/** Who reads a blob: the run whose activity resolves the reference. */
export interface BlobReader {
  workspaceId: string;
  workflowId: string;
}

export interface BlobStore {
  /** Stores `value` as JSON text. */
  put(value: unknown, meta: BlobMeta): Promise<BlobRef>;
  /**
   * Loads a stored value for `reader`.  A reference is only `{ __pipewrightBlob: 1, id }` — anything a sender or an
   * API returns can contain one — so a blob another workspace stored is refused with a BlobAccessError, never read.
   */
  get(ref: BlobRef, reader: BlobReader): Promise<unknown>;
}

/** A reference to stored data the reading run may not see (another workspace's), or that does not exist. */
export class BlobAccessError extends Error {
  constructor(id: string) {
    super(`the data refers to a stored value (${id.slice(0, 24)}) that is not this workspace's: refused`);
    this.name = 'BlobAccessError';
  }
}

/** Blobs stored before they carried a workspace are readable by their own run only. */
function isReadableBy(meta: Partial<BlobMeta> | undefined, reader: BlobReader): boolean {
  if (meta?.workspaceId !== undefined) return meta.workspaceId === reader.workspaceId;
  return meta?.workflowId === reader.workflowId;
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
    async get(ref, reader) {
      if (!ObjectId.isValid(ref.id)) throw new BlobAccessError(ref.id);
      const download = bucket.openDownloadStream(new ObjectId(ref.id));
      // The download reads the files document first and announces it: a blob that is not the reader's is refused
      // there, before any chunk is read, without a second look-up of its metadata.
      let allowed = false;
      download.once('file', (file: GridFSFile) => {
        allowed = isReadableBy(file.metadata as Partial<BlobMeta> | undefined, reader);
        if (!allowed) download.destroy(new BlobAccessError(ref.id));
      });
      let value: unknown;
      try {
        value = await readJson(download);
      } catch (error) {
        // The driver's "FileNotFound" (no such blob) reads like any other reference that is not the reader's.
        if (error instanceof MongoRuntimeError && (error as { code?: unknown }).code === 'ENOENT') {
          throw new BlobAccessError(ref.id);
        }
        throw error;
      }
      if (!allowed) throw new BlobAccessError(ref.id);
      return value;
    },
  };
}
