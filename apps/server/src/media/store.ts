/**
 * Where media bytes live: a folder under DATA_DIR by default, S3-compatible storage when the
 * operator sets MEDIA_S3_*. Keys are made by the server (workspace id / random id), never by a
 * user, so neither store has to defend against path tricks beyond checking the shape.
 */
import type { Config } from '../config';
import { DiskMediaStore } from './disk-store';
import { S3MediaStore } from './s3-store';

export interface StoredObject {
  data: Buffer;
  contentType: string;
}

export interface MediaStore {
  /** Where files go, in words for logs and the operator ("disk", "s3"). */
  readonly kind: 'disk' | 's3';
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** Null when there is no such object. */
  get(key: string): Promise<StoredObject | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
}

export interface MediaS3Config {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

/** Keys are `<workspace id>/<file id>`; anything else is a bug, not a file. */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a media key: ${key}`);
}

const stores = new Map<string, MediaStore>();

/** The store of this configuration, built once (its S3 client keeps its connections). */
export function mediaStoreFor(config: Pick<Config, 'dataDir' | 'mediaS3'>): MediaStore {
  const s3 = config.mediaS3;
  const cacheKey = s3 ? `s3:${s3.endpoint ?? ''}:${s3.bucket}:${s3.accessKeyId}` : `disk:${config.dataDir}`;
  let store = stores.get(cacheKey);
  if (!store) {
    store = s3 ? new S3MediaStore(s3) : new DiskMediaStore(`${config.dataDir}/media`);
    stores.set(cacheKey, store);
  }
  return store;
}
