import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { adjustPoints } from './service';

export function pointsRoutes(r: Routes, c: AppContext): void {
  // Members only ever read their own ledger: the member id comes from the token, never from input.
  r.add(endpoints.getPoints, async (ctx) => c.points.summary(ctx.state.member.id, c.clock.now()));
  r.add(endpoints.getPointsEntries, async (ctx, { query }) =>
    c.points.entries(ctx.state.member.id, query.cursor, query.limit),
  );

  r.add(endpoints.adminAdjustPoints, async (ctx, { body }) => {
    const res = await adjustPoints(c, {
      memberId: Number(body.memberId),
      delta: body.delta,
      idempotencyKey: body.idempotencyKey,
      reason: body.reason,
      operatorId: ctx.state.staff.id,
      requestId: ctx.state.requestId,
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
