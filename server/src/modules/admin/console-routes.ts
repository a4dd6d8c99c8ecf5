import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { searchVouchersIn } from '../benefits/store-vouchers';
import { voucherView } from '../benefits/vouchers';
import { refundsPage } from '../checkout/store-refunds';

/** Keyset cursors of the operator lists: the last id shown, opaque to the client. */
const encodeCursor = (id: number) => Buffer.from(String(id)).toString('base64url');
function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const id = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
  return id;
}
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/** Operators: a member's points history, voucher search, refunds (list, and a refund made for a store). */
export function adminConsoleRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.adminMemberPoints, async (_ctx, { params, query }) =>
    c.points.entries(Number(params.id), query.cursor, query.limit),
  );

  r.add(endpoints.adminSearchVouchers, async (_ctx, { query }) => {
    const now = c.clock.now().getTime();
    const filter = {
      memberId: num(query.memberId),
      code: query.code,
      benefitId: num(query.benefitId),
      status: query.status,
      beforeId: decodeCursor(query.cursor),
    };
    const rows = await c.db.read((q) => searchVouchersIn(q, filter, query.limit, now));
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((v) => ({ ...voucherView(v, now), memberId: String(v.member_id) })),
      nextCursor: rows.length > query.limit ? encodeCursor(Number(page[page.length - 1].id)) : null,
    };
  });

  r.add(endpoints.adminListRefunds, async (_ctx, { query }) => {
    const filter = {
      storeId: num(query.store),
      memberId: num(query.memberId),
      orderNo: query.orderNo,
      beforeId: decodeCursor(query.cursor),
    };
    const rows = await c.db.read((q) => refundsPage(q, filter, query.limit));
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((x) => ({
        id: String(x.id),
        storeId: String(x.store_id),
        orderNo: x.order_no,
        memberId: String(x.member_id),
        amountCents: Number(x.amount_cents),
        orderAmountCents: Number(x.order_amount_cents),
        points: Number(x.points),
        growth: Number(x.growth),
        staffId: x.staff_id === null ? null : String(x.staff_id),
        createdAt: new Date(Number(x.created_at)).toISOString(),
      })),
      nextCursor: rows.length > query.limit ? encodeCursor(Number(page[page.length - 1].id)) : null,
    };
  });

  // The operator acts for the order's store: the same refund as the store's own, keyed per store,
  // recorded with the operator as the one who made it.
  r.add(endpoints.adminRefund, async (ctx, { body, idempotencyKey }) =>
    c.refunds.refund(
      { ...ctx.state.staff, storeId: Number(body.storeId) },
      { orderNo: body.orderNo, amountCents: body.amountCents },
      idempotencyKey,
      ctx.state.requestId,
    ),
  );
}
