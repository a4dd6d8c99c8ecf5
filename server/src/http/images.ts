import type { Next } from 'koa';
import type { MediaService } from '../modules/media/service';
import type { AppKoaContext } from './state';

/**
 * GET /images/<id>-<width>.<ext>: resized uploads, immutable (a new picture gets a
 * new id), so browsers and CDNs keep them for a year. Anything else under /images
 * is a 404, never the single-page app.
 */
export function serveImages(media: MediaService) {
  return async (ctx: AppKoaContext, next: Next) => {
    if (!ctx.path.startsWith('/images/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const found = await media.variant(ctx.path.slice('/images/'.length));
    if (!found) return next(); // the error middleware answers 404 NOT_FOUND
    ctx.type = found.contentType;
    ctx.set('cache-control', 'public, max-age=31536000, immutable');
    ctx.set('x-content-type-options', 'nosniff');
    ctx.body = found.bytes;
  };
}
