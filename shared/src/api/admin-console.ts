import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime, PageQuery } from './common';
import { IdParams } from './admin';
import { PointsEntriesPage } from './points';
import { VoucherCode, VoucherStatus, VoucherView } from './benefits';
import { AmountCents, OrderNo, RefundRequest, RefundResponse } from './tiers';

/** Operator reads behind the console's member detail, voucher search and refund pages. */
export const AdminVouchersQuery = PageQuery.extend({
  memberId: Id.optional(),
  code: z.string().trim().toUpperCase().pipe(VoucherCode).optional(),
  benefitId: Id.optional(),
  status: VoucherStatus.optional().describe("'expired' includes unused vouchers past their date"),
});
export const AdminVoucherView = VoucherView.extend({ memberId: Id });
export const AdminVoucherPage = z.object({ items: z.array(AdminVoucherView), nextCursor: z.string().nullable() });

export const AdminRefundsQuery = PageQuery.extend({
  store: Id.optional(),
  memberId: Id.optional(),
  orderNo: OrderNo.optional(),
});
export const AdminRefundView = z.object({
  id: Id,
  storeId: Id,
  orderNo: z.string(),
  memberId: Id,
  amountCents: AmountCents,
  orderAmountCents: z.int(),
  points: z.int().describe('Points taken back'),
  growth: z.int(),
  staffId: Id.nullable().describe('Who made it (a store account, or an operator acting for the store)'),
  createdAt: IsoDateTime,
});
export const AdminRefundPage = z.object({ items: z.array(AdminRefundView), nextCursor: z.string().nullable() });
export const AdminRefundRequest = RefundRequest.extend({ storeId: Id.describe('The store the order was made in') });

const op = { auth: 'operator' as const, tag: 'admin' };
export const adminConsoleEndpoints = {
  adminMemberPoints: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/members/:id/points',
    params: IdParams,
    summary: "A member's points history, newest first",
    query: PageQuery,
    response: PointsEntriesPage,
    errors: ['VALIDATION_FAILED'],
  }),
  adminSearchVouchers: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/vouchers',
    summary: 'Vouchers by member, code, benefit and status, newest first',
    query: AdminVouchersQuery,
    response: AdminVoucherPage,
    errors: ['VALIDATION_FAILED'],
  }),
  adminListRefunds: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/refunds',
    summary: 'Refunds, newest first, by store, member or order number',
    query: AdminRefundsQuery,
    response: AdminRefundPage,
    errors: ['VALIDATION_FAILED'],
  }),
  adminRefund: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/refunds',
    idempotencyKey: true,
    summary: "Refund an order for a store (as the store's refund does: points and growth reversed in proportion)",
    body: AdminRefundRequest,
    response: RefundResponse,
    errors: ['VALIDATION_FAILED', 'ORDER_NOT_FOUND', 'REFUND_EXCEEDS_ORDER', 'IDEMPOTENCY_CONFLICT'],
  }),
};
