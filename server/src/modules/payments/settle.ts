import type { Q } from '../../db/database';
import type { Logger } from '../../core/logger';
import * as store from './store';
import type {
  PaidHandler,
  PaidOrder,
  PayEventSource,
  PayOrderState,
  PayPurpose,
  RefundedHandler,
  RefundRow,
} from './types';
import type { WxTransaction } from './wxpay';

/**
 * The state changes of orders and refunds, each in the caller's unit of work:
 * the order row is locked first (then its refunds, always in that order), the
 * change is a compare-and-set whose affected rows say who made it, the event row
 * and the purpose's handlers go in the same unit of work. Whoever comes second
 * (a duplicate notification, a query racing a notification) finds it done.
 */

/** The purposes' handlers, registered at start (compose.ts). */
export class PayHooks {
  private readonly paid = new Map<PayPurpose, PaidHandler[]>();
  private readonly refunded = new Map<PayPurpose, RefundedHandler[]>();
  onPaid(purpose: PayPurpose, h: PaidHandler): void {
    this.paid.set(purpose, [...(this.paid.get(purpose) ?? []), h]);
  }
  onRefunded(purpose: PayPurpose, h: RefundedHandler): void {
    this.refunded.set(purpose, [...(this.refunded.get(purpose) ?? []), h]);
  }
  paidOf(purpose: string): PaidHandler[] {
    return this.paid.get(purpose) ?? [];
  }
  refundedOf(purpose: string): RefundedHandler[] {
    return this.refunded.get(purpose) ?? [];
  }
}

export const paidOrderOf = (r: store.OrderRow): PaidOrder => ({
  outTradeNo: r.out_trade_no,
  memberId: Number(r.member_id),
  purpose: r.purpose,
  purposeRef: r.purpose_ref,
  amountFen: Number(r.amount_fen),
  transactionId: r.transaction_id ?? '',
  paidAt: Number(r.paid_at ?? 0),
});

export const refundRowOf = (r: store.RefundDbRow): RefundRow => ({
  outRefundNo: r.out_refund_no,
  outTradeNo: r.out_trade_no,
  amountFen: Number(r.amount_fen),
  reason: r.reason,
  state: r.state,
  refundId: r.refund_id,
  createdAt: Number(r.created_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
});

/** An order's state from its amounts: refunded in full, a refund in flight, partly refunded, or paid. */
export function stateAfter(amount: number, refunded: number, reserved: number): PayOrderState {
  if (refunded >= amount) return 'REFUNDED';
  if (reserved > refunded) return 'REFUNDING';
  return refunded > 0 ? 'PARTIALLY_REFUNDED' : 'PAID';
}

export type PaidOutcome = 'paid' | 'already' | 'not_paid' | 'unknown' | 'mismatch';

/**
 * WeChat says the order is paid (notification or query): CREATED -> PAID once,
 * with its event and the purpose's onPaid handlers. A CLOSED order that WeChat
 * nevertheless charged is recorded as paid too: the money was taken.
 */
export async function confirmPaidIn(
  q: Q,
  hooks: PayHooks,
  txn: WxTransaction,
  source: PayEventSource,
  now: number,
  logger?: Logger,
): Promise<PaidOutcome> {
  if (txn.trade_state !== 'SUCCESS' && txn.trade_state !== 'REFUND') return 'not_paid';
  const row = await store.orderIn(q, txn.out_trade_no, true);
  if (!row) return 'unknown';
  if (row.state !== 'CREATED' && row.state !== 'CLOSED') return 'already';
  if (Number(txn.amount?.total) !== Number(row.amount_fen)) {
    logger?.error(
      { outTradeNo: row.out_trade_no, total: txn.amount?.total },
      'pay: paid amount differs from the order',
    );
    return 'mismatch';
  }
  const paidAt = txn.success_time ? Date.parse(txn.success_time) || now : now;
  const transactionId = txn.transaction_id ?? '';
  if (!(await store.markPaidIn(q, row.out_trade_no, row.state, transactionId, paidAt, now))) return 'already';
  await store.insertEventIn(q, row.out_trade_no, row.state, 'PAID', source, transactionId, now);
  const order = paidOrderOf({ ...row, state: 'PAID', transaction_id: transactionId, paid_at: paidAt });
  for (const h of hooks.paidOf(row.purpose)) await h(q, order);
  return 'paid';
}

/** CREATED -> CLOSED (WeChat closed it, or never had it), with its event. */
export async function closeIn(q: Q, outTradeNo: string, detail: string, now: number): Promise<boolean> {
  const row = await store.orderIn(q, outTradeNo, true);
  if (!row || row.state !== 'CREATED') return false;
  if (!(await store.markClosedIn(q, outTradeNo, now))) return false;
  await store.insertEventIn(q, outTradeNo, 'CREATED', 'CLOSED', 'close', detail, now);
  return true;
}

export interface RefundNews {
  outRefundNo: string;
  refundId: string | null;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  successTime?: string;
}

/**
 * What WeChat says of a refund (its answer, a query or a notification). SUCCESS:
 * the amount moves from set aside to refunded and the purpose's onRefunded
 * handlers run, once; CLOSED: the amount is no longer set aside; ABNORMAL stays
 * set aside (the merchant resolves it in WeChat Pay, which then reports SUCCESS or CLOSED).
 */
export async function applyRefundIn(
  q: Q,
  hooks: PayHooks,
  news: RefundNews,
  via: PayEventSource,
  now: number,
): Promise<boolean> {
  const before = await store.refundIn(q, news.outRefundNo);
  if (!before) return false;
  const order = await store.orderIn(q, before.out_trade_no, true);
  if (!order) return false;
  const amount = Number(before.amount_fen);
  const total = Number(order.amount_fen);
  const refunded = Number(order.refunded_fen);
  const reserved = Number(order.refund_reserved_fen);
  const open = ['NEW', 'PROCESSING', 'ABNORMAL'] as const;
  const detail = `${news.outRefundNo} ${via}`;
  const event = async (to: PayOrderState) => {
    if (to !== order.state) await store.insertEventIn(q, order.out_trade_no, order.state, to, 'refund', detail, now);
  };
  if (news.status === 'PROCESSING' || news.status === 'ABNORMAL') {
    const from = news.status === 'PROCESSING' ? ['NEW'] : ['NEW', 'PROCESSING'];
    return store.moveRefundIn(q, news.outRefundNo, from, news.status, news.refundId, null, now);
  }
  if (news.status === 'CLOSED') {
    if (!(await store.moveRefundIn(q, news.outRefundNo, open, 'CLOSED', news.refundId, now, now))) return false;
    const next = stateAfter(total, refunded, reserved - amount);
    if (!(await store.releaseReservedIn(q, order.out_trade_no, amount, next, now)))
      throw new Error(`pay: refund ${news.outRefundNo} was not set aside`);
    await event(next);
    return true;
  }
  const finishedAt = news.successTime ? Date.parse(news.successTime) || now : now;
  if (!(await store.moveRefundIn(q, news.outRefundNo, open, 'SUCCESS', news.refundId, finishedAt, now))) return false;
  const next = stateAfter(total, refunded + amount, reserved);
  if (!(await store.addRefundedIn(q, order.out_trade_no, amount, next, now)))
    throw new Error(`pay: refund ${news.outRefundNo} exceeds what was set aside`);
  await event(next);
  const refund = refundRowOf({
    ...before,
    state: 'SUCCESS',
    refund_id: news.refundId ?? before.refund_id,
    finished_at: finishedAt,
  });
  for (const h of hooks.refundedOf(order.purpose)) await h(q, refund, paidOrderOf(order));
  return true;
}
