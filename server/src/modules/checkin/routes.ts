import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

export function checkinRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getCheckin, async (ctx, { query }) => c.checkins.view(ctx.state.member.id, query.month));
  r.add(endpoints.checkin, async (ctx) => c.checkins.checkin(ctx.state.member.id));
  r.add(endpoints.makeup, async (ctx, { body }) => c.checkins.makeup(ctx.state.member.id, body.date, body.payWith));
}
