import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertKey, type MediaStore, type StoredObject } from './media-store';

/**
 * Files under `<root>/<workspace>/<id>`, the content type beside each in `<id>.type`. A file is
 * written to a temporary name and renamed, so a reader never sees half of one.
 */
export class DiskMediaStore implements MediaStore {
  readonly kind = 'disk';

  constructor(private readonly root: string) {}

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    assertKey(key);
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.part`;
    await writeFile(temporary, data, { mode: 0o600 });
    await writeFile(`${path}.type`, contentType, { mode: 0o600 });
    await rename(temporary, path);
  }

  async get(key: string): Promise<StoredObject | null> {
    assertKey(key);
    const path = join(this.root, key);
    try {
      const [data, contentType] = await Promise.all([readFile(path), readFile(`${path}.type`, 'utf8')]);
      return { data, contentType };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    const path = join(this.root, key);
    await Promise.all([rm(path, { force: true }), rm(`${path}.type`, { force: true })]);
  }
}
