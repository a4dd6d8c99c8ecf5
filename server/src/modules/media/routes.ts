import { endpoints, IMAGE_MAX_BYTES, IMAGE_TYPES } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import type { AppKoaContext } from '../../http/state';
import { AppError } from '../../core/errors';
import { firstFilePart } from './multipart';

/** Room for a multipart envelope around a file of the largest size. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * The request body, refused with BODY_TOO_LARGE past `limit` bytes: at once from
 * Content-Length, else as soon as the stream passes it (the rest is not read).
 */
async function readBody(ctx: AppKoaContext, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new AppError('BODY_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('BODY_TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The uploaded bytes: the raw body for an image Content-Type, or the first file of a form. */
async function readUpload(ctx: AppKoaContext): Promise<Buffer> {
  const type = ctx.request.type;
  if ((IMAGE_TYPES as readonly string[]).includes(type)) return readBody(ctx, IMAGE_MAX_BYTES);
  if (type === 'multipart/form-data') {
    const body = await readBody(ctx, IMAGE_MAX_BYTES + MULTIPART_OVERHEAD);
    const file = firstFilePart(body, ctx.get('content-type'));
    if (!file) throw new AppError('IMAGE_INVALID', 'The form has no file');
    if (file.length > IMAGE_MAX_BYTES) throw new AppError('BODY_TOO_LARGE');
    return file;
  }
  throw new AppError('IMAGE_TYPE_UNSUPPORTED');
}

/** Operators upload images (benefit pictures, the brand's logo and card background). */
export function mediaRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.adminUploadImage, async (ctx) => c.media.upload(ctx.state.staff.id, await readUpload(ctx)));
}
