import type { Keyring } from '@pipewright/secrets';
import { type Db, MongoClient } from 'mongodb';
import { type BlobStore, createGridFsBlobStore } from '../blobs/blob-store.ts';
import { DEFAULT_INLINE_LIMIT_BYTES } from '../blobs/offload.ts';
import {
  auditCredentialUse,
  type CredentialResolver,
  createMongoCredentialResolver,
} from '../credentials/credential-resolver.ts';

export interface StepDepsOptions {
  /** MongoDB for large step outputs (GridFS) and, with `keyring`, the credentials steps read. */
  mongo?: { uri: string; dbName: string; inlineLimitBytes?: number };
  keyring?: Keyring;
}

export interface StepDeps {
  blobs?: { store: BlobStore; inlineLimitBytes: number };
  credentials?: CredentialResolver;
  /** The database itself (poll cursors live there). */
  db?: Db;
  close(): Promise<void>;
}

/**
 * What `createStepActivities` needs from the world: the blob store and the credential resolver, both over MongoDB.
 * Shared by the core worker and the step-package worker (`@pipewright/step-worker`), so both resolve credentials
 * and offload large outputs the same way.
 */
export async function connectStepDeps(options: StepDepsOptions): Promise<StepDeps> {
  if (!options.mongo) return { close: async () => {} };
  const mongo = await MongoClient.connect(options.mongo.uri);
  const db = mongo.db(options.mongo.dbName);
  const credentials = options.keyring
    ? createMongoCredentialResolver({ db, keyring: options.keyring, onUse: auditCredentialUse(db) })
    : undefined;
  return {
    blobs: {
      store: createGridFsBlobStore(db),
      inlineLimitBytes: options.mongo.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES,
    },
    ...(credentials ? { credentials } : {}),
    db,
    close: () => mongo.close(),
  };
}
