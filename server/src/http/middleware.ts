import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import type { AppKoaContext } from './state';
import type { Logger } from '../core/logger';
import { noMetrics, type Metrics } from '../core/metrics';
import { AppError, isAppError } from '../core/errors';

/**
 * First middleware: gives every request an id and a child logger, logs one line
 * when it ends, and turns every error into the stable JSON body
 * `{code, message, details?, requestId}`. Only unexpected errors are logged as
 * errors, and their internals never reach the client.
 */
export function errorAndLog(logger: Logger, metrics: Metrics = noMetrics) {
  return async function errorAndLogMiddleware(ctx: AppKoaContext, next: Next) {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    // The request's logger is made when first used: most requests log nothing at the production level.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (log ??= logger.child({ requestId })),
      enumerable: true,
      configurable: true,
    });
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new AppError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 && !ctx.body)
        throw new AppError('METHOD_NOT_ALLOWED', undefined, { allow: ctx.response.get('Allow') });
    } catch (raw) {
      const err = toAppError(raw);
      if (!err) {
        ctx.state.log.error({ err: raw, method: ctx.method, path: ctx.path }, 'unhandled error');
      }
      const e = err ?? new AppError('INTERNAL');
      ctx.status = e.status;
      // Shed load (OVERLOADED) and not-ready answers tell well-behaved clients when to come back.
      if (e.status === 503) ctx.set('Retry-After', '1');
      ctx.body = {
        code: e.code,
        message: e.message,
        ...(e.details === undefined ? {} : { details: e.details }),
        requestId,
      };
      // A body left half-read (e.g. a chunked body over the limit: the parser stops and pauses the
      // stream) would stall every later request on this keep-alive connection: close it instead.
      if (!ctx.req.complete) ctx.set('Connection', 'close');
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The route's template, never the URL: unmatched paths share one label.
      metrics.httpRequest(ctx.method, (ctx as { _matchedRoute?: string })._matchedRoute, ctx.status, ms / 1000);
      // The path only: query strings may carry codes.
      if (logger.isLevelEnabled('info'))
        ctx.state.log.info(
          {
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round(ms * 10) / 10,
            member: ctx.state.member?.id,
            staff: ctx.state.staff?.id,
          },
          'request',
        );
    }
  };
}

/** Maps known client mistakes raised by Koa and the body parser; anything else is ours (500). */
function toAppError(err: unknown): AppError | null {
  if (isAppError(err)) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new AppError('BODY_TOO_LARGE');
  if (status === 415 || e?.type === 'unsupported.media.type') return new AppError('UNSUPPORTED_MEDIA_TYPE');
  // @koa/bodyparser throws a bare SyntaxError with status 400 for broken JSON.
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || status === 400)
    return new AppError('MALFORMED_BODY');
  if (status === 404) return new AppError('NOT_FOUND');
  if (status === 405 || status === 501) return new AppError('METHOD_NOT_ALLOWED');
  return null;
}

/** A UTF-16 surrogate not in a pair: with the `u` flag, pairs are one code point and never match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first string (or key) in `value` holding a lone surrogate, or null. */
function illFormedAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k}`;
    if (LONE_SURROGATE.test(k)) return at;
    const found = illFormedAt(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses text that is not well-formed Unicode (a lone surrogate such as "\ud800",
 * which JSON allows as an escape): utf8mb4 cannot store it, so MySQL would keep a
 * "?" or U+FFFD instead of what was sent. Checked once for every endpoint, on the
 * parsed body and the query string, before any schema or handler sees them.
 */
export function wellFormedText() {
  return async function wellFormedTextMiddleware(ctx: AppKoaContext, next: Next) {
    const at = illFormedAt((ctx.request as { body?: unknown }).body, 'body') ?? illFormedAt({ ...ctx.query }, 'query');
    if (at)
      throw new AppError('VALIDATION_FAILED', 'Text must be well-formed Unicode (no lone surrogates)', {
        issues: [{ path: at, message: 'contains a lone surrogate (ill-formed UTF-16)' }],
      });
    await next();
  };
}
