import type { Q, Database } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { PayMetrics } from '../../core/metrics-pay';
import { AppError } from '../../core/errors';
import { audit } from '../audit/audit';
import { applyRefundIn, stateAfter, type PayHooks, type RefundNews } from './settle';
import * as store from './store';
import type { PayEventSource, RefundInput } from './types';
import { WxPayError, type WxPayClient, type WxRefund } from './wxpay';

export interface RefundDeps {
  db: Database;
  clock: Clock;
  hooks: PayHooks;
  logger: Logger;
  metrics: PayMetrics;
}

/** Records what WeChat said of a refund and counts the state it reached (when it moved: a replay counts nothing). */
export async function applyRefund(d: RefundDeps, news: RefundNews, via: PayEventSource): Promise<void> {
  const moved = await d.db.tx((q) => applyRefundIn(q, d.hooks, news, via, d.clock.now().getTime()));
  if (moved && news.status !== 'PROCESSING') d.metrics.payRefund(news.status);
}

/**
 * A new refund in the caller's unit of work, with the order row locked: the
 * refund row (unique on the order's key: a replay returns it), its amount set
 * aside on the order by a guarded update (never past the paid amount), the
 * order's event when its state moves, and the audit row.
 */
export async function reserveRefundIn(q: Q, input: RefundInput, outRefundNo: string, now: number) {
  const o = await store.orderIn(q, input.outTradeNo, true);
  if (!o) throw new AppError('PAY_ORDER_NOT_FOUND');
  const had = await store.refundByKeyIn(q, o.out_trade_no, input.idempotencyKey);
  if (had) {
    if (Number(had.amount_fen) !== input.amountFen || had.reason !== input.reason)
      throw new AppError('IDEMPOTENCY_CONFLICT');
    return { refund: had, order: o };
  }
  if (!['PAID', 'PARTIALLY_REFUNDED', 'REFUNDING'].includes(o.state)) throw new AppError('PAY_ORDER_NOT_PAID');
  await store.insertRefundIn(
    q,
    {
      outRefundNo,
      outTradeNo: o.out_trade_no,
      idemKey: input.idempotencyKey,
      amountFen: input.amountFen,
      reason: input.reason,
    },
    now,
  );
  const next = stateAfter(
    Number(o.amount_fen),
    Number(o.refunded_fen),
    Number(o.refund_reserved_fen) + input.amountFen,
  );
  if (!(await store.reserveRefundIn(q, o.out_trade_no, input.amountFen, next, now)))
    throw new AppError('REFUND_EXCEEDS_ORDER');
  if (next !== o.state) await store.insertEventIn(q, o.out_trade_no, o.state, next, 'refund', outRefundNo, now);
  await audit(
    q,
    {
      actorType: input.by ? 'operator' : 'system',
      actorId: input.by?.staffId ?? null,
      action: 'pay.refund',
      targetType: 'pay_order',
      targetId: o.out_trade_no,
      after: { outRefundNo, amountFen: input.amountFen },
      reason: input.reason,
      requestId: input.by?.requestId,
    },
    new Date(now),
  );
  return { refund: (await store.refundIn(q, outRefundNo))!, order: o };
}

/** WeChat's answer about a refund (to the request or a query), as settle reads it. */
const newsOf = (r: store.RefundDbRow, res: WxRefund): RefundNews => ({
  outRefundNo: r.out_refund_no,
  refundId: res.refund_id,
  status: res.status,
  successTime: res.success_time,
});

/** Asks WeChat Pay for a NEW refund (again: WeChat keys it on out_refund_no) and records its answer. */
export async function sendRefund(
  d: RefundDeps,
  wx: WxPayClient,
  r: store.RefundDbRow,
  totalFen: number,
): Promise<void> {
  try {
    const res = await wx.refund({
      outTradeNo: r.out_trade_no,
      outRefundNo: r.out_refund_no,
      reason: r.reason,
      refundFen: Number(r.amount_fen),
      totalFen,
    });
    await applyRefund(d, newsOf(r, res), 'refund');
  } catch (err) {
    if (!(err instanceof WxPayError)) {
      // Not reached or no answer: the refund stays NEW and the sweep asks again.
      d.logger.warn({ outRefundNo: r.out_refund_no, err: (err as Error).message }, 'pay: refund not sent');
      return;
    }
    // Refused: WeChat made no refund, so the amount is no longer set aside.
    const news = { outRefundNo: r.out_refund_no, refundId: null, status: 'CLOSED' as const };
    await applyRefund(d, news, 'refund');
    throw new AppError('PAY_REJECTED', undefined, { wxpayCode: err.code });
  }
}

/** The sweep's look at an open refund: sent again while NEW, asked about while PROCESSING. */
export async function syncRefund(d: RefundDeps, wx: WxPayClient, r: store.RefundDbRow): Promise<void> {
  const order = await d.db.read((q) => store.orderIn(q, r.out_trade_no));
  if (!order) return;
  if (r.state === 'NEW') return sendRefund(d, wx, r, Number(order.amount_fen));
  const res = await wx.queryRefund(r.out_refund_no);
  await applyRefund(d, newsOf(r, res), 'query');
}
