import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

export function tierRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getTier, async (ctx) => c.tiers.view(ctx.state.member.id, c.clock.now()));
}
