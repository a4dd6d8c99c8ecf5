import type Router from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import type { z } from 'zod';
import {
  IDEMPOTENCY_KEY_RULE,
  isIdempotencyKey,
  type BodyOf,
  type Endpoint,
  type QueryOf,
  type ResponseOf,
} from '@huiyuan/shared';
import { AppError } from '../core/errors';
import type { Auth } from './auth';
import type { BaseState, RouteContext } from './state';

export interface Input<E extends Endpoint> {
  body: BodyOf<E>;
  query: QueryOf<E>;
  params: Record<string, string>;
  /** Present (and well-formed) exactly when the endpoint requires an Idempotency-Key. */
  idempotencyKey: E['idempotencyKey'] extends true ? string : undefined;
}

export type Handler<E extends Endpoint> = (ctx: RouteContext<E>, input: Input<E>) => Promise<ResponseOf<E>>;

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', `The request ${where} is not valid`, {
    issues: r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  });
}

/** The endpoint's auth ran before this point; checking its principal here is what makes the narrower type true. */
function withPrincipal<E extends Endpoint>(e: E, ctx: ParameterizedContext<BaseState>): RouteContext<E> {
  if (e.auth === 'member' && !ctx.state.member) throw new AppError('UNAUTHENTICATED');
  if ((e.auth === 'staff' || e.auth === 'operator') && !ctx.state.staff) throw new AppError('UNAUTHENTICATED');
  return ctx as RouteContext<E>;
}

/**
 * Binds an endpoint definition from shared/ to a handler. Auth comes from the
 * definition, so no route can forget it; body and query are parsed by the
 * endpoint's schema and handlers never see raw input (@koa/router's validation
 * recipe). Outside production the response is checked against its schema too.
 */
export class Routes {
  constructor(
    private readonly router: Router<BaseState>,
    private readonly auth: Auth,
    private readonly checkResponses: boolean,
  ) {}

  add<E extends Endpoint>(e: E, handler: Handler<E>): void {
    const chain: Middleware<BaseState>[] = [];
    if (e.auth === 'member') chain.push(this.auth.member());
    if (e.auth === 'staff') chain.push(this.auth.staff(['staff', 'manager', 'operator']));
    if (e.auth === 'operator') chain.push(this.auth.staff(['operator']));
    chain.push(async (ctx) => {
      const input = {
        body: (e.body ? parse(e.body, (ctx.request as { body?: unknown }).body ?? {}, 'body') : undefined) as BodyOf<E>,
        query: parse(e.query, { ...ctx.query }, 'query') as QueryOf<E>,
        params: (e.params ? parse(e.params, { ...ctx.params }, 'params') : (ctx.params ?? {})) as Record<
          string,
          string
        >,
        idempotencyKey: undefined as string | undefined,
      };
      if (e.idempotencyKey) {
        const key = ctx.get('idempotency-key');
        if (!isIdempotencyKey(key))
          throw new AppError('VALIDATION_FAILED', `Send an Idempotency-Key header (${IDEMPOTENCY_KEY_RULE})`, {
            field: 'Idempotency-Key',
          });
        input.idempotencyKey = key;
      }
      const result = await handler(withPrincipal(e, ctx), input as Input<E>);
      if (this.checkResponses) e.response.parse(result);
      ctx.status = e.status ?? 200;
      ctx.body = result;
    });
    this.router.register(e.path, [e.method.toUpperCase()], chain);
  }
}
