/**
 * Where media bytes live: a folder under DATA_DIR by default, S3-compatible storage when the
 * operator sets MEDIA_S3_*. Keys are made by the server (workspace id / random id), never by a
 * user, so neither store has to defend against path tricks beyond checking the shape.
 */
import type { Config } from '../config';
import { DiskMediaStore } from './disk-store';
import type { MediaStore } from './media-store';
import { S3MediaStore } from './s3-store';

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
