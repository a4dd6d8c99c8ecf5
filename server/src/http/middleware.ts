import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import type { AppKoaContext } from './state';
import type { Logger } from '../core/logger';
import { AppError, isAppError } from '../core/errors';

/**
 * First middleware: gives every request an id and a child logger, logs one line
 * when it ends, and turns every error into the stable JSON body
 * `{code, message, details?, requestId}`. Only unexpected errors are logged as
 * errors, and their internals never reach the client.
 */
export function errorAndLog(logger: Logger) {
  return async function errorAndLogMiddleware(ctx: AppKoaContext, next: Next) {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    ctx.state.log = logger.child({ requestId });
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
      // The path only: query strings may carry codes.
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
