import { createHash } from 'node:crypto';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { IMAGE_WIDTHS, type ImageUploaded, type ImageWidth } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { ImageStore } from './image-store';
import { EXT, sniffImageType, TYPE_OF_EXT, type ImageType } from './sniff';
import { imageById, insertImage } from './store';
import { imageKey, imageUrl, parseVariantName } from './urls';

/** Larger pictures are refused before decoding: 40 megapixels is far past any phone photo's need here. */
const MAX_PIXELS = 40_000_000;
const FORMAT: Record<ImageType, 'png' | 'jpeg' | 'webp'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};

const isWidth = (w: number): w is ImageWidth => (IMAGE_WIDTHS as readonly number[]).includes(w);

type SharpFn = (input: Buffer, options?: SharpOptions) => Sharp;
let loading: Promise<SharpFn> | null = null;

/**
 * sharp (a native library), loaded on first use: a host without its binary still
 * starts and serves the variants already made; only uploads and new variants
 * answer SERVICE_UNAVAILABLE.
 */
async function sharpFn(): Promise<SharpFn> {
  loading ??= import('sharp').then((m) => m.default as unknown as SharpFn);
  try {
    return await loading;
  } catch {
    loading = null;
    throw new AppError('SERVICE_UNAVAILABLE', 'Image processing is not available on this server');
  }
}

/**
 * Uploaded images: checked by content, resized to the served widths at upload (so
 * serving is a plain read), kept in the image store with a row of metadata. A
 * variant missing from the store (e.g. a width added later) is made from the
 * original on its first request and kept.
 */
export class MediaService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly store: ImageStore,
  ) {}

  async upload(staffId: number, bytes: Buffer): Promise<ImageUploaded> {
    if (!bytes.length) throw new AppError('IMAGE_INVALID', 'The upload is empty');
    const type = sniffImageType(bytes);
    if (!type) throw new AppError('IMAGE_TYPE_UNSUPPORTED');
    const sharp = await sharpFn();
    let meta: Metadata;
    const variants = new Map<ImageWidth, Buffer>();
    try {
      meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
      if (meta.format !== FORMAT[type] || !meta.width || !meta.height) throw new Error('format mismatch');
      for (const w of IMAGE_WIDTHS) variants.set(w, await resize(bytes, type, w));
    } catch {
      throw new AppError('IMAGE_INVALID');
    }
    const ext = EXT[type];
    const id = await this.db.tx(async (q) => {
      const id = await insertImage(
        q,
        {
          contentType: type,
          ext,
          width: meta.width!,
          height: meta.height!,
          bytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          createdBy: staffId,
        },
        this.clock.now().getTime(),
      );
      // Inside the transaction: a failed write rolls the row back (a committed row always has its files).
      await this.store.put(imageKey(id, ext), bytes);
      for (const [w, b] of variants) await this.store.put(`${id}-${w}.${ext}`, b);
      return id;
    });
    return {
      id: String(id),
      url: imageUrl(imageKey(id, ext))!,
      width: meta.width!,
      height: meta.height!,
      contentType: type,
    };
  }

  /** The bytes and type of `/images/<name>`, or null for anything that is not a stored image's variant. */
  async variant(name: string): Promise<{ bytes: Buffer; contentType: ImageType } | null> {
    const v = parseVariantName(name);
    const contentType = v && TYPE_OF_EXT[v.ext];
    if (!v || !contentType || !isWidth(v.width)) return null;
    const cached = await this.store.get(name);
    if (cached) return { bytes: cached, contentType };
    const original = await this.store.get(imageKey(v.id, v.ext));
    if (!original) return null;
    const bytes = await resize(original, contentType, v.width);
    await this.store.put(name, bytes);
    return { bytes, contentType };
  }

  /** The key (`<id>.<ext>`) of an uploaded image, or VALIDATION_FAILED on `field` when there is none. */
  async requireKey(id: string, field: string): Promise<string> {
    const row = await this.db.read((q) => imageById(q, Number(id)));
    if (!row) throw new AppError('VALIDATION_FAILED', `No image ${id}`, { field });
    return imageKey(Number(row.id), row.ext);
  }
}

/** One served width, never enlarged, oriented by its EXIF tag and stripped of metadata (sharp's default). */
async function resize(bytes: Buffer, type: ImageType, width: ImageWidth): Promise<Buffer> {
  const sharp = await sharpFn();
  return sharp(bytes, { limitInputPixels: MAX_PIXELS })
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .toFormat(FORMAT[type])
    .toBuffer();
}
