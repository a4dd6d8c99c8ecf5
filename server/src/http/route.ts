import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { BodyOf, Endpoint, QueryOf, ResponseOf } from '@huiyuan/shared';
import { AppError } from './errors';
import type { Auth } from './auth';

export interface Input<E extends Endpoint> {
  body: BodyOf<E>;
  query: QueryOf<E>;
  params: Record<string, string>;
  idempotencyKey?: string;
}

export type Handler<E extends Endpoint> = (ctx: Context, input: Input<E>) => Promise<ResponseOf<E>>;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,64}$/;

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', `The request ${where} is not valid`, {
    issues: r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  });
}

/**
 * Binds an endpoint definition from shared/ to a handler. Auth comes from the
 * definition, so no route can forget it; body and query are parsed by the
 * endpoint's schema and handlers never see raw input (@koa/router's validation
 * recipe). Outside production the response is checked against its schema too.
 */
export class Routes {
  constructor(
    private readonly router: Router,
    private readonly auth: Auth,
    private readonly checkResponses: boolean,
  ) {}

  add<E extends Endpoint>(e: E, handler: Handler<E>): void {
    const chain: Middleware[] = [];
    if (e.auth === 'member') chain.push(this.auth.member());
    if (e.auth === 'staff') chain.push(this.auth.staff(['staff', 'manager', 'operator']));
    if (e.auth === 'operator') chain.push(this.auth.staff(['operator']));
    chain.push(async (ctx) => {
      const input: Input<E> = {
        body: (e.body ? parse(e.body, (ctx.request as { body?: unknown }).body ?? {}, 'body') : undefined) as BodyOf<E>,
        query: parse(e.query, { ...ctx.query }, 'query') as QueryOf<E>,
        params: (e.params ? parse(e.params, { ...ctx.params }, 'params') : (ctx.params ?? {})) as Record<
          string,
          string
        >,
      };
      if (e.idempotencyKey) {
        const key = ctx.get('idempotency-key');
        if (!IDEMPOTENCY_KEY.test(key))
          throw new AppError('VALIDATION_FAILED', 'Send an Idempotency-Key header (8-64 of A-Z a-z 0-9 _ . : -)', {
            field: 'Idempotency-Key',
          });
        input.idempotencyKey = key;
      }
      const result = await handler(ctx, input);
      if (this.checkResponses) e.response.parse(result);
      ctx.status = e.status ?? 200;
      ctx.body = result;
    });
    this.router.register(e.path, [e.method.toUpperCase()], chain);
  }
}
