import { createHash } from 'node:crypto';
import type { Next } from 'koa';
import type { AppKoaContext } from './state';

/**
 * Public JSON that changes rarely (the brand): an ETag from the body and a short
 * Cache-Control, and 304 Not Modified when the client already has this version.
 * `maxAgeS` bounds how long an operator's change takes to reach clients.
 */
export function cacheable(paths: string[], maxAgeS: number) {
  const set = new Set(paths);
  return async (ctx: AppKoaContext, next: Next) => {
    await next();
    if (ctx.method !== 'GET' || !set.has(ctx.path) || ctx.status !== 200 || ctx.body === undefined) return;
    const etag = `"${createHash('sha1').update(JSON.stringify(ctx.body)).digest('base64url')}"`;
    ctx.set('etag', etag);
    ctx.set('cache-control', `public, max-age=${maxAgeS}`);
    if (ctx.fresh) {
      ctx.status = 304;
      ctx.body = null;
    }
  };
}
