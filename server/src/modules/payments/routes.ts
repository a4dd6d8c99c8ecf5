import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { limits } from '../limits/service';
import { orderViewOf } from './service';
import { refundOut } from './admin';
import { isoOf } from '../../core/iso';

const memberView = (v: ReturnType<typeof orderViewOf>) => ({
  outTradeNo: v.outTradeNo,
  purpose: v.purpose,
  purposeRef: v.purposeRef,
  amountFen: v.amountFen,
  refundedFen: v.refundedFen,
  state: v.state,
  description: v.description,
  createdAt: isoOf(v.createdAt)!,
  paidAt: isoOf(v.paidAt),
  closedAt: isoOf(v.closedAt),
});

/** WeChat Pay: the notification, the member's order and "I paid", the operator's orders, refunds and revenue. */
export function paymentRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.payNotify, async (ctx) => {
    // The signature covers the exact bytes WeChat sent, not the parsed body.
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    await c.payments.notify(
      {
        signature: ctx.get('wechatpay-signature') || undefined,
        timestamp: ctx.get('wechatpay-timestamp') || undefined,
        nonce: ctx.get('wechatpay-nonce') || undefined,
        serial: ctx.get('wechatpay-serial') || undefined,
      },
      raw,
    );
    return { code: 'SUCCESS' as const };
  });
  r.add(endpoints.getPayOrder, async (ctx, { params }) =>
    memberView(await c.payments.orderView(ctx.state.member.id, params.outTradeNo)),
  );
  r.add(endpoints.syncPayOrder, async (ctx, { params }) => {
    const memberId = ctx.state.member.id;
    await c.payments.orderView(memberId, params.outTradeNo);
    // Each call asks WeChat Pay: a few a minute per member is plenty for a "did it go through" poll.
    await c.limits.check([limits.paySyncsPerMember(memberId)]);
    await c.payments.syncOrder(params.outTradeNo);
    return memberView(await c.payments.orderView(memberId, params.outTradeNo));
  });
  r.add(endpoints.adminPayOrders, async (_ctx, { query }) => c.paymentsAdmin.orders(query));
  r.add(endpoints.adminPayOrder, async (_ctx, { params }) => c.paymentsAdmin.order(params.outTradeNo));
  r.add(endpoints.adminPayRefunds, async (_ctx, { query }) => c.paymentsAdmin.refunds(query));
  r.add(endpoints.adminPayRevenue, async (_ctx, { query }) => c.paymentsAdmin.revenue(query.from, query.to));
  r.add(endpoints.adminRefundPayOrder, async (ctx, { params, body, idempotencyKey }) => {
    const v = await c.payments.refund({
      outTradeNo: params.outTradeNo,
      amountFen: body.amountFen,
      reason: body.reason,
      idempotencyKey,
      by: { staffId: ctx.state.staff.id, requestId: ctx.state.requestId },
    });
    return refundOut(v);
  });
}
