import type { Q } from '../../db/database';

/** All SQL on `images`: one row per uploaded image; the bytes are in the image store. */

export interface ImageRow {
  id: number;
  content_type: string;
  ext: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  created_by: number;
  created_at: number;
}

export interface NewImage {
  contentType: string;
  ext: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  createdBy: number;
}

export async function insertImage(q: Q, i: NewImage, now: number): Promise<number> {
  return q.insert(
    'INSERT INTO images (content_type, ext, width, height, bytes, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [i.contentType, i.ext, i.width, i.height, i.bytes, i.sha256, i.createdBy, now],
  );
}

export async function imageById(q: Q, id: number): Promise<ImageRow | undefined> {
  return q.one<ImageRow>('SELECT * FROM images WHERE id = ?', [id]);
}
