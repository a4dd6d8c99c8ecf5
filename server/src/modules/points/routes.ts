import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { audit } from '../audit/audit';
import { memberExists } from '../members/store';

export function pointsRoutes(r: Routes, c: AppContext): void {
  // Members only ever read their own ledger: the member id comes from the token, never from input.
  r.add(endpoints.getPoints, async (ctx) => c.points.summary(ctx.state.member.id, c.clock.now()));
  r.add(endpoints.getPointsEntries, async (ctx, { query }) =>
    c.points.entries(ctx.state.member.id, query.cursor, query.limit),
  );

  r.add(endpoints.adminAdjustPoints, async (ctx, { body }) => {
    const memberId = Number(body.memberId);
    const operatorId = ctx.state.staff.id;
    const op = {
      key: `adjust:${body.idempotencyKey}`,
      memberId,
      points: Math.abs(body.delta),
      type: 'adjust' as const,
      reason: body.delta > 0 ? 'manual_credit' : 'manual_debit',
      ref: null,
      operatorId,
      note: body.reason,
    };
    const res = await c.db.tx(async (q) => {
      if (!(await memberExists(q, memberId))) throw new AppError('MEMBER_NOT_FOUND');
      const out = body.delta > 0 ? await c.ledger.creditIn(q, op) : await c.ledger.debitIn(q, op);
      if (!out.replayed) {
        await audit(
          q,
          {
            actorType: 'operator',
            actorId: operatorId,
            action: 'points.adjust',
            targetType: 'member',
            targetId: memberId,
            before: { balance: out.balanceAfter - out.delta },
            after: { balance: out.balanceAfter, entryId: out.entryId },
            reason: body.reason,
            requestId: ctx.state.requestId,
          },
          c.clock.now(),
        );
      }
      return out;
    });
    return {
      entryId: String(res.entryId),
      memberId: String(res.memberId),
      delta: res.delta,
      balanceAfter: res.balanceAfter,
      replayed: res.replayed,
    };
  });
}
