import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/**
 * Serves a built single-page app for GET requests outside /api: the H5 build at
 * `/`, the operator console at `/admin`.
 */
export function serveStatic(root: string, prefix = '') {
  const base = path.resolve(root);
  return async (ctx: Context, next: Next) => {
    // /images/ is the image store's (http/images.ts): a missing image is a 404, not the app's index.html.
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      ctx.path.startsWith('/api/') ||
      ctx.path.startsWith('/images/')
    )
      return next();
    if (prefix && ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    if (prefix && ctx.path === prefix) return ctx.redirect(`${prefix}/`);
    const sub = prefix ? ctx.path.slice(prefix.length) : ctx.path;
    let rel: string;
    try {
      rel = decodeURIComponent(sub === '/' ? '/index.html' : sub);
    } catch {
      return next();
    }
    const file = path.resolve(base, `.${rel}`);
    if (!file.startsWith(base + path.sep)) return next();
    let target = file;
    if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
      if (path.extname(rel)) return next();
      target = path.join(base, 'index.html'); // client-side routes
      if (!fs.existsSync(target)) return next();
    }
    ctx.type = TYPES[path.extname(target)] ?? 'application/octet-stream';
    ctx.set('cache-control', target.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600');
    ctx.body = fs.createReadStream(target);
  };
}
