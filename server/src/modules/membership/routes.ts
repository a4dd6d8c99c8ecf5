import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

/** Paid membership: the member's plans, purchase, membership and payment status; the operators' plans, subscribers, refunds and figures. */
export function membershipRoutes(r: Routes, c: AppContext): void {
  const by = (ctx: { state: { staff: { id: number }; requestId?: string } }) => ({
    staffId: ctx.state.staff.id,
    requestId: ctx.state.requestId,
  });
  r.add(endpoints.listMembershipPlans, async () => c.membership.plans());
  r.add(endpoints.purchaseMembership, async (ctx, { body, idempotencyKey }) =>
    c.membership.purchase(ctx.state.member.id, body.planCode, idempotencyKey),
  );
  r.add(endpoints.getMyMembership, async (ctx) => c.membership.mine(ctx.state.member.id));
  r.add(endpoints.patchMyMembership, async (ctx, { body }) =>
    c.membership.setAutoRenew(ctx.state.member.id, body.autoRenew),
  );
  r.add(endpoints.membershipOrderStatus, async (ctx, { params }) =>
    c.membership.orderStatus(ctx.state.member.id, params.outTradeNo),
  );

  r.add(endpoints.adminListMembershipPlans, async () => c.membershipAdmin.list());
  r.add(endpoints.adminCreateMembershipPlan, async (ctx, { body }) => c.membershipAdmin.create(by(ctx), body));
  r.add(endpoints.adminPatchMembershipPlan, async (ctx, { body, params }) =>
    c.membershipAdmin.patch(by(ctx), Number(params.id), body),
  );
  r.add(endpoints.adminMembershipSubscribers, async (_ctx, { query }) => c.membershipAdmin.subscribers(query));
  r.add(endpoints.adminMembershipRefundPreview, async (_ctx, { query }) => {
    const { cutMs: _cut, ...preview } = await c.membershipRefunds.preview(Number(query.memberId));
    return preview;
  });
  r.add(endpoints.adminMembershipRefund, async (ctx, { body, idempotencyKey }) =>
    c.membershipRefunds.refund(by(ctx), body, idempotencyKey),
  );
  r.add(endpoints.adminMembershipMetrics, async () => c.membershipAdmin.metrics());
}
