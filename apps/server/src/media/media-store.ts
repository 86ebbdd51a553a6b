/** What a media store is: the interface both stores implement, and the shape of their keys. */

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
