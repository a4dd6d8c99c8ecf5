import type { z } from 'zod';
import type { AdminPayOrdersQuery, AdminPayRefundsQuery, PayRevenue } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { AppError } from '../../core/errors';
import * as store from './store';
import * as reads from './store-reads';
import { refundRowOf } from './settle';
import type { RefundView } from './types';
import { isoOf } from '../../core/iso';

/**
 * The operator's reads of payments: order and refund pages (keyset, newest
 * first), one order with its history, and the revenue of a time range.
 */
const cursorOf = (id: number) => Buffer.from(String(id)).toString('base64url');
function beforeOf(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const id = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
  return id;
}

export const adminOrderOf = (r: store.OrderRow) => ({
  outTradeNo: r.out_trade_no,
  purpose: r.purpose,
  purposeRef: r.purpose_ref,
  amountFen: Number(r.amount_fen),
  refundedFen: Number(r.refunded_fen),
  refundReservedFen: Number(r.refund_reserved_fen),
  state: r.state,
  description: r.description,
  memberId: String(r.member_id),
  transactionId: r.transaction_id,
  createdAt: isoOf(Number(r.created_at))!,
  paidAt: isoOf(r.paid_at),
  closedAt: isoOf(r.closed_at),
});

/** A refund as operators see it (times in ISO), from the payments service's answer. */
export const refundOut = (v: RefundView) => ({
  outRefundNo: v.outRefundNo,
  outTradeNo: v.outTradeNo,
  amountFen: v.amountFen,
  reason: v.reason,
  state: v.state,
  createdAt: isoOf(v.createdAt)!,
  finishedAt: isoOf(v.finishedAt),
});

export const refundViewOf = (r: store.RefundDbRow) => refundOut(refundRowOf(r));

export class PaymentsAdmin {
  constructor(private readonly db: Database) {}

  async orders(f: z.infer<typeof AdminPayOrdersQuery>) {
    const rows = await this.db.read((q) =>
      reads.ordersPageIn(q, {
        state: f.state,
        purpose: f.purpose,
        memberId: f.memberId === undefined ? undefined : Number(f.memberId),
        from: f.from === undefined ? undefined : Date.parse(f.from),
        to: f.to === undefined ? undefined : Date.parse(f.to),
        beforeId: beforeOf(f.cursor),
        limit: f.limit,
      }),
    );
    const page = rows.slice(0, f.limit);
    return {
      items: page.map(adminOrderOf),
      nextCursor: rows.length > f.limit ? cursorOf(Number(page[page.length - 1].id)) : null,
    };
  }

  async order(outTradeNo: string) {
    return this.db.read(async (q) => {
      const row = await store.orderIn(q, outTradeNo);
      if (!row) throw new AppError('PAY_ORDER_NOT_FOUND');
      const events = await store.eventsOfIn(q, outTradeNo);
      const refunds = await store.refundsOfOrderIn(q, outTradeNo);
      return {
        ...adminOrderOf(row),
        events: events.map((e) => ({
          from: e.from_state,
          to: e.to_state,
          source: e.source as 'create' | 'notify' | 'query' | 'close' | 'refund',
          detail: e.detail,
          at: isoOf(Number(e.created_at))!,
        })),
        refunds: refunds.map(refundViewOf),
      };
    });
  }

  async refunds(f: z.infer<typeof AdminPayRefundsQuery>) {
    const rows = await this.db.read((q) =>
      reads.refundsPageIn(q, {
        state: f.state,
        outTradeNo: f.outTradeNo,
        beforeId: beforeOf(f.cursor),
        limit: f.limit,
      }),
    );
    const page = rows.slice(0, f.limit);
    return {
      items: page.map((r) => ({ ...refundViewOf(r), memberId: String(r.member_id) })),
      nextCursor: rows.length > f.limit ? cursorOf(Number(page[page.length - 1].id)) : null,
    };
  }

  async revenue(fromIso: string, toIso: string): Promise<z.infer<typeof PayRevenue>> {
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    if (!(to > from)) throw new AppError('VALIDATION_FAILED', '`to` must be after `from`', { field: 'to' });
    const { paid, refunded } = await this.db.read((q) => reads.revenueIn(q, from, to));
    const purposes = [...new Set([...paid, ...refunded].map((r) => r.purpose))].sort();
    const tally = (rows: { purpose: string; n: number; fen: number }[], p?: string) => {
      const hit = rows.filter((r) => p === undefined || r.purpose === p);
      return { count: hit.reduce((s, r) => s + Number(r.n), 0), fen: hit.reduce((s, r) => s + Number(r.fen), 0) };
    };
    const total = { paid: tally(paid), refunded: tally(refunded) };
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...total,
      netFen: total.paid.fen - total.refunded.fen,
      byPurpose: purposes.map((p) => ({ purpose: p, paid: tally(paid, p), refunded: tally(refunded, p) })),
    };
  }
}
