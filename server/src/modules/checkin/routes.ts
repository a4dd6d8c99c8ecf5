import { endpoints, IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';

export function checkinRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getCheckin, async (ctx, { query }) => c.checkins.view(ctx.state.member.id, query.month));

  r.add(endpoints.checkin, async (ctx) => {
    // Optional: the business date is the natural key. When the client sends one
    // (the mini-program does), it must be well formed, and it is remembered.
    const key = ctx.get('idempotency-key');
    if (key && !isIdempotencyKey(key))
      throw new AppError('VALIDATION_FAILED', `Idempotency-Key must be ${IDEMPOTENCY_KEY_RULE}`, {
        field: 'Idempotency-Key',
      });
    return c.checkins.checkin(ctx.state.member.id, key || undefined);
  });

  r.add(endpoints.makeup, async (ctx, { body }) => c.checkins.makeup(ctx.state.member.id, body.date, body.payWith));

  r.add(endpoints.adminGrantMakeupCards, async (ctx, { params, body }) => {
    const memberId = Number(params.id);
    const res = await c.checkins.grantCards(
      { memberId, key: body.idempotencyKey, cards: body.cards, operatorId: ctx.state.staff.id, note: body.reason },
      ctx.state.requestId,
    );
    return { memberId: String(memberId), ...res };
  });
}
