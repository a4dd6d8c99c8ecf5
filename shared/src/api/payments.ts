import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime, PageQuery } from './common';

/**
 * WeChat Pay (API v3): the notification WeChat Pay sends, the member's view and
 * "I paid" check of an order, and the operator's orders, refunds and revenue.
 * Money in fen (integer cents of CNY). Orders are made by the module that sells
 * something (membership plans), not here.
 */
export const PayOrderState = z
  .enum(['CREATED', 'PAID', 'CLOSED', 'REFUNDING', 'REFUNDED', 'PARTIALLY_REFUNDED'])
  .describe('CREATED: waiting for payment; CLOSED: not paid in time; REFUNDING: a refund is in flight');
export const PayRefundState = z
  .enum(['NEW', 'PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'])
  .describe("NEW: recorded, WeChat Pay not reached yet (retried); the others are WeChat Pay's refund statuses");
const OutTradeNo = z.string().regex(/^[A-Za-z0-9_\-*]{6,32}$/);
const Fen = z.int().min(0).describe('Amount in fen (1/100 yuan)');

export const PayOrderView = z.object({
  outTradeNo: z.string(),
  purpose: z.string(),
  purposeRef: z.string(),
  amountFen: Fen,
  refundedFen: Fen,
  state: PayOrderState,
  description: z.string(),
  createdAt: IsoDateTime,
  paidAt: IsoDateTime.nullable(),
  closedAt: IsoDateTime.nullable(),
});
export const PayRefundView = z.object({
  outRefundNo: z.string(),
  outTradeNo: z.string(),
  amountFen: Fen,
  reason: z.string(),
  state: PayRefundState,
  createdAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export const AdminPayOrderView = PayOrderView.extend({
  memberId: Id,
  transactionId: z.string().nullable(),
  refundReservedFen: Fen.describe('Refunded plus refunds in flight'),
});
export const PayOrderParams = z.strictObject({ outTradeNo: OutTradeNo });

/**
 * What WeChat Pay POSTs (its documented fields); the encrypted resource is
 * checked and read on the server. A notification refused here is sent again by
 * WeChat Pay, and the sweep's query confirms the payment meanwhile.
 */
export const PayNotification = z.strictObject({
  id: z.string().max(64).optional(),
  create_time: z.string().max(40).optional(),
  event_type: z.string().max(64),
  resource_type: z.string().max(64).optional(),
  summary: z.string().max(256).optional(),
  resource: z.looseObject({
    algorithm: z.string().max(32),
    ciphertext: z.string().max(65_536),
    associated_data: z.string().max(256).optional(),
    nonce: z.string().max(64),
    original_type: z.string().max(64).optional(),
  }),
});

export const AdminPayOrdersQuery = PageQuery.extend({
  state: PayOrderState.optional(),
  purpose: z.string().max(16).optional(),
  memberId: Id.optional(),
  from: IsoDateTime.optional().describe('Made at or after'),
  to: IsoDateTime.optional().describe('Made before'),
});
export const AdminPayOrderPage = z.object({ items: z.array(AdminPayOrderView), nextCursor: z.string().nullable() });
export const AdminPayOrderDetail = AdminPayOrderView.extend({
  events: z.array(
    z.object({
      from: z.string().nullable(),
      to: z.string(),
      source: z.enum(['create', 'notify', 'query', 'close', 'refund']),
      detail: z.string().nullable(),
      at: IsoDateTime,
    }),
  ),
  refunds: z.array(PayRefundView),
});
export const AdminPayRefundsQuery = PageQuery.extend({
  state: PayRefundState.optional(),
  outTradeNo: OutTradeNo.optional(),
});
export const AdminPayRefundPage = z.object({
  items: z.array(PayRefundView.extend({ memberId: Id })),
  nextCursor: z.string().nullable(),
});
export const AdminPayRefundRequest = z.strictObject({
  amountFen: z.int().min(1).max(100_000_000),
  reason: z.string().trim().min(1).max(80),
});
export const PayRevenueQuery = z.strictObject({ from: IsoDateTime, to: IsoDateTime });
const Tally = z.object({ count: z.int(), fen: Fen });
export const PayRevenue = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  paid: Tally.describe('Orders paid in the range'),
  refunded: Tally.describe('Refunds that succeeded in the range'),
  netFen: z.int().describe('paid - refunded'),
  byPurpose: z.array(z.object({ purpose: z.string(), paid: Tally, refunded: Tally })),
});

const member = { auth: 'member' as const, tag: 'payments' };
const op = { auth: 'operator' as const, tag: 'admin' };
export const paymentEndpoints = {
  payNotify: endpoint({
    method: 'post',
    path: '/api/pay/notify',
    tag: 'payments',
    auth: 'none',
    summary:
      'WeChat Pay notification (payment or refund result). Checked by its Wechatpay-Signature headers on the raw body; duplicates answer SUCCESS',
    body: PayNotification,
    response: z.object({ code: z.literal('SUCCESS') }),
    errors: ['VALIDATION_FAILED', 'PAY_SIGNATURE_INVALID', 'PAY_UNAVAILABLE'],
  }),
  getPayOrder: endpoint({
    ...member,
    method: 'get',
    path: '/api/pay/orders/:outTradeNo',
    summary: "One of the member's own payment orders",
    params: PayOrderParams,
    response: PayOrderView,
    errors: ['PAY_ORDER_NOT_FOUND'],
  }),
  syncPayOrder: endpoint({
    ...member,
    method: 'post',
    path: '/api/pay/orders/:outTradeNo/sync',
    summary: '"I paid": asks WeChat Pay about an unconfirmed order and records a payment it confirms',
    params: PayOrderParams,
    response: PayOrderView,
    errors: ['PAY_ORDER_NOT_FOUND', 'PAY_UNAVAILABLE', 'RATE_LIMITED'],
  }),
  adminPayOrders: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/pay/orders',
    summary: 'Payment orders, newest first, by state, purpose, member and time made',
    query: AdminPayOrdersQuery,
    response: AdminPayOrderPage,
    errors: ['VALIDATION_FAILED'],
  }),
  adminPayOrder: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/pay/orders/:outTradeNo',
    summary: 'One payment order with its history and refunds',
    params: PayOrderParams,
    response: AdminPayOrderDetail,
    errors: ['PAY_ORDER_NOT_FOUND'],
  }),
  adminRefundPayOrder: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/pay/orders/:outTradeNo/refunds',
    summary:
      'Refund part or all of a paid order through WeChat Pay (audited); refunds never exceed what was paid; idempotent on the key',
    params: PayOrderParams,
    body: AdminPayRefundRequest,
    response: PayRefundView,
    idempotencyKey: true,
    errors: [
      'VALIDATION_FAILED',
      'PAY_ORDER_NOT_FOUND',
      'PAY_ORDER_NOT_PAID',
      'REFUND_EXCEEDS_ORDER',
      'IDEMPOTENCY_CONFLICT',
      'PAY_REJECTED',
      'PAY_UNAVAILABLE',
    ],
  }),
  adminPayRefunds: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/pay/refunds',
    summary: 'Refunds, newest first, by state or order',
    query: AdminPayRefundsQuery,
    response: AdminPayRefundPage,
    errors: ['VALIDATION_FAILED'],
  }),
  adminPayRevenue: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/pay/revenue',
    summary: 'Money taken and refunded in a time range, in total and by purpose',
    query: PayRevenueQuery,
    response: PayRevenue,
    errors: ['VALIDATION_FAILED'],
  }),
};
