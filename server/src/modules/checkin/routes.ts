import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { audit } from '../audit/audit';
import { grantCardsIn } from './cards';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,64}$/;

export function checkinRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getCheckin, async (ctx, { query }) => c.checkins.view(ctx.state.member.id, query.month));

  r.add(endpoints.checkin, async (ctx) => {
    // Optional: the business date is the natural key. When the client sends one
    // (the mini-program does), it must be well formed, and it is remembered.
    const key = ctx.get('idempotency-key');
    if (key && !IDEMPOTENCY_KEY.test(key))
      throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 8-64 of A-Z a-z 0-9 _ . : -', {
        field: 'Idempotency-Key',
      });
    return c.checkins.checkin(ctx.state.member.id, key || undefined);
  });

  r.add(endpoints.makeup, async (ctx, { body }) => c.checkins.makeup(ctx.state.member.id, body.date, body.payWith));

  r.add(endpoints.adminGrantMakeupCards, async (ctx, { params, body }) => {
    const memberId = Number(params.id);
    const operatorId = ctx.state.staff.id;
    const now = c.clock.now();
    const res = await c.db.tx(async (q) => {
      const out = await grantCardsIn(
        q,
        {
          memberId,
          key: body.idempotencyKey,
          cards: body.cards,
          reason: 'operator_grant',
          operatorId,
          note: body.reason,
        },
        now,
      );
      if (!out.replayed) {
        await audit(
          q,
          {
            actorType: 'operator',
            actorId: operatorId,
            action: 'checkin.makeup_cards.grant',
            targetType: 'member',
            targetId: memberId,
            before: { cards: out.cards - out.granted },
            after: { cards: out.cards },
            reason: body.reason,
            requestId: ctx.state.requestId,
          },
          now,
        );
      }
      return out;
    });
    return { memberId: String(memberId), ...res };
  });
}
