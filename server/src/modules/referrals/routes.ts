import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

export function referralRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getReferrals, async (ctx) => c.referrals.view(ctx.state.member.id));
  r.add(endpoints.getPosterCode, async (ctx) => c.posterCodes.get(ctx.state.member.id));
}
