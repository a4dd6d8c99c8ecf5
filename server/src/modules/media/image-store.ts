import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Where image bytes live, by name (`<id>.<ext>` for an original, `<id>-<width>.<ext>`
 * for a resized variant). An object store (S3, COS, OSS) can implement the same
 * three calls; several server instances must share one store.
 */
export interface ImageStore {
  put(name: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when there is no such object. */
  get(name: string): Promise<Buffer | null>;
  delete(name: string): Promise<void>;
}

const NAME = /^[0-9]+(-[0-9]+)?\.[a-z]{3,4}$/;

/** Files in one directory. Written to a temporary name and renamed, so a reader never sees half a file. */
export class DiskImageStore implements ImageStore {
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  private file(name: string): string {
    // Names are made by the service; this keeps any other string out of the file system.
    if (!NAME.test(name)) throw new Error(`bad image name ${JSON.stringify(name)}`);
    return path.join(this.dir, name);
  }

  async put(name: string, bytes: Buffer): Promise<void> {
    const target = this.file(name);
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${randomUUID()}.tmp`);
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, target);
  }

  async get(name: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.file(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    await fs.rm(this.file(name), { force: true });
  }
}
