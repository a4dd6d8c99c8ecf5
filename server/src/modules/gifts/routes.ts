import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

/** Gift rules and grants, for operators (rules and audit in admin.ts). */
export function giftRoutes(r: Routes, c: AppContext): void {
  const by = (ctx: { state: { staff: { id: number }; requestId?: string } }) => ({
    staffId: ctx.state.staff.id,
    requestId: ctx.state.requestId,
  });
  r.add(endpoints.adminListGiftRules, async () => c.giftRules.list());
  r.add(endpoints.adminCreateGiftRule, async (ctx, { body }) => c.giftRules.create(by(ctx), body));
  r.add(endpoints.adminPatchGiftRule, async (ctx, { body, params }) =>
    c.giftRules.patch(by(ctx), Number(params.id), body),
  );
  r.add(endpoints.adminGiftGrants, async (_ctx, { query }) => c.giftRules.grants(query));
}
