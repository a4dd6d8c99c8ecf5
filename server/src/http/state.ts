import type { ParameterizedContext } from 'koa';
import type { Endpoint } from '@huiyuan/shared';
import type { Logger } from '../core/logger';
import type { MemberPrincipal, StaffPrincipal } from '../core/principals';

/** What the middleware puts on `ctx.state` for every request. */
export interface BaseState {
  requestId: string;
  log: Logger;
  member?: MemberPrincipal;
  staff?: StaffPrincipal;
}

/**
 * The state a handler sees: the endpoint's `auth` decides which principal is
 * certainly there (the auth middleware ran before the handler or refused the call).
 */
export type StateOf<E extends Endpoint> = BaseState &
  (E['auth'] extends 'member'
    ? { member: MemberPrincipal }
    : E['auth'] extends 'staff' | 'operator'
      ? { staff: StaffPrincipal }
      : unknown);

export type AppKoaContext = ParameterizedContext<BaseState>;
export type RouteContext<E extends Endpoint> = ParameterizedContext<StateOf<E>>;
