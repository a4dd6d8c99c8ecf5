import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { AppError } from '../../core/errors';
import type { PayConfig } from '../../core/pay-config';
import { noPayMetrics, type PayMetrics } from '../../core/metrics-pay';
import { nonce, paySign } from './crypto';
import { WxPayClient, WxPayError } from './wxpay';
import { closeIn, confirmPaidIn, PayHooks, refundRowOf } from './settle';
import { handleNotify, type NotifyHeaders } from './notify';
import { reserveRefundIn, sendRefund, syncRefund, type RefundDeps } from './refunds';
import { sweep, type SweepResult } from './sweep';
import * as store from './store';
import type {
  CreateJsapiInput,
  JsapiOrder,
  OrderView,
  PaidHandler,
  PayPurpose,
  RefundedHandler,
  RefundInput,
  RefundView,
} from './types';
import './invariants';

export * from './types';

const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
/** Ours, unique, within WeChat's 32 characters of [A-Za-z0-9_-*]: time first so numbers sort roughly by age. */
const tradeNo = (prefix: string, now: number) => `${prefix}${now.toString(36)}${randomBytes(8).toString('hex')}`;
/** RFC 3339 in China time, as WeChat Pay writes its times. */
const rfc3339 = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

export const orderViewOf = (r: store.OrderRow): OrderView => ({
  outTradeNo: r.out_trade_no,
  purpose: r.purpose,
  purposeRef: r.purpose_ref,
  amountFen: Number(r.amount_fen),
  refundedFen: Number(r.refunded_fen),
  state: r.state,
  description: r.description,
  transactionId: r.transaction_id,
  createdAt: Number(r.created_at),
  paidAt: r.paid_at === null ? null : Number(r.paid_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
});

/**
 * WeChat Pay (API v3) payments: orders, their confirmation (notification, query)
 * and refunds. A purpose registers handlers that run inside the transaction that
 * moves an order to PAID / a refund to SUCCESS, so its effect commits with the
 * payment, once. Without WeChat Pay settings every call answers PAY_UNAVAILABLE.
 */
export class PaymentService {
  readonly hooks = new PayHooks();
  private readonly wx: WxPayClient | null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cfg: PayConfig | null,
    private readonly logger: Logger,
    private readonly metrics: PayMetrics = noPayMetrics,
    wallNowS?: () => number,
  ) {
    this.wx = cfg ? new WxPayClient(cfg, wallNowS, metrics) : null;
  }

  get enabled(): boolean {
    return this.wx !== null;
  }

  onPaid(purpose: PayPurpose, handler: PaidHandler): void {
    this.hooks.onPaid(purpose, handler);
  }

  onRefunded(purpose: PayPurpose, handler: RefundedHandler): void {
    this.hooks.onRefunded(purpose, handler);
  }

  private client(): { wx: WxPayClient; cfg: PayConfig } {
    if (!this.wx || !this.cfg) throw new AppError('PAY_UNAVAILABLE');
    return { wx: this.wx, cfg: this.cfg };
  }

  /**
   * Makes (or, for a key used before, finds) the member's order and its prepay
   * with WeChat Pay, and signs the parameters of wx.requestPayment. The row is
   * written before WeChat is called, so a failed call leaves a CREATED order the
   * sweep closes; a retry with the same key calls WeChat again with the same
   * out_trade_no, which WeChat answers with the same prepay.
   */
  async createJsapiOrder(input: CreateJsapiInput): Promise<JsapiOrder> {
    const { wx, cfg } = this.client();
    if (!this.hooks.paidOf(input.purpose).length) throw new Error(`pay: no onPaid handler for ${input.purpose}`);
    if (!Number.isInteger(input.amountFen) || input.amountFen < 1 || input.amountFen > 100_000_000)
      throw new AppError('VALIDATION_FAILED', 'amountFen must be a whole number of fen, 1 to 1,000,000 yuan');
    const now = this.clock.now().getTime();
    const hash = sha([input.purpose, input.purposeRef, input.amountFen, input.openid]);
    let made = false;
    const row = await this.db.tx(async (q) => {
      made = await store.insertOrderIn(
        q,
        {
          outTradeNo: tradeNo('HY', now),
          memberId: input.memberId,
          idemKey: input.idempotencyKey,
          inputHash: hash,
          purpose: input.purpose,
          purposeRef: input.purposeRef,
          description: input.description.slice(0, 127),
          openid: input.openid,
          amountFen: input.amountFen,
          expiresAt: now + cfg.orderTtlMs,
        },
        now,
      );
      const r = (await store.orderByKeyIn(q, input.memberId, input.idempotencyKey))!;
      if (r.input_hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT');
      if (made) await store.insertEventIn(q, r.out_trade_no, null, 'CREATED', 'create', null, now);
      return r;
    });
    if (made) this.metrics.payOrder('created', 'create');
    if (row.state !== 'CREATED') throw new AppError('PAY_ORDER_NOT_PAID', 'This order is no longer open for payment');
    let prepayId = row.prepay_id;
    if (prepayId === null) {
      try {
        prepayId = (
          await wx.jsapi({
            out_trade_no: row.out_trade_no,
            description: row.description,
            amountFen: Number(row.amount_fen),
            openid: row.openid,
            timeExpire: rfc3339(Number(row.expires_at)),
          })
        ).prepay_id;
      } catch (err) {
        if (err instanceof WxPayError) throw new AppError('PAY_REJECTED', undefined, { wxpayCode: err.code });
        throw err;
      }
      await this.db.tx((q) => store.setPrepayIn(q, row.out_trade_no, prepayId!, this.clock.now().getTime()));
    }
    return { outTradeNo: row.out_trade_no, prepayId, requestPayment: this.requestPayment(cfg, prepayId) };
  }

  private requestPayment(cfg: PayConfig, prepayId: string) {
    const timeStamp = String(Math.floor(Date.now() / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    return {
      timeStamp,
      nonceStr,
      package: pkg,
      signType: 'RSA' as const,
      paySign: paySign(cfg.privateKey, cfg.appId, timeStamp, nonceStr, pkg),
    };
  }

  /** The member's own order (another member's answers not found). */
  async orderView(memberId: number, outTradeNo: string): Promise<OrderView> {
    const row = await this.db.read((q) => store.orderIn(q, outTradeNo));
    if (!row || Number(row.member_id) !== memberId) throw new AppError('PAY_ORDER_NOT_FOUND');
    return orderViewOf(row);
  }

  /**
   * Asks WeChat Pay about a CREATED order and records what it says: paid (source
   * query), closed, or still open (a past-due open order is closed at WeChat
   * first: a close that fails because it was paid meanwhile leaves it for the next query).
   */
  async syncOrder(outTradeNo: string, opts: { closeIfDue?: boolean } = {}): Promise<OrderView> {
    const { wx } = this.client();
    const row = await this.db.read((q) => store.orderIn(q, outTradeNo));
    if (!row) throw new AppError('PAY_ORDER_NOT_FOUND');
    if (row.state !== 'CREATED') return orderViewOf(row);
    const now = () => this.clock.now().getTime();
    try {
      const txn = await wx.query(outTradeNo);
      if (txn.trade_state === 'SUCCESS' || txn.trade_state === 'REFUND') {
        const outcome = await this.db.tx((q) => confirmPaidIn(q, this.hooks, txn, 'query', now(), this.logger));
        if (outcome === 'paid') this.metrics.payOrder('paid', 'query');
      } else if (txn.trade_state === 'CLOSED' || txn.trade_state === 'REVOKED') {
        await this.close(outTradeNo, `wechat ${txn.trade_state}`);
      } else if (opts.closeIfDue && now() >= Number(row.expires_at)) {
        await wx.close(outTradeNo);
        await this.close(outTradeNo, 'timeout');
      }
    } catch (err) {
      // Never reached WeChat (the prepay call failed): nothing to close there.
      if (err instanceof WxPayError && err.code === 'ORDER_NOT_EXIST') {
        if (opts.closeIfDue && now() >= Number(row.expires_at)) await this.close(outTradeNo, 'not at wechat');
      } else if (!(err instanceof WxPayError)) throw err;
      else this.logger.warn({ outTradeNo, code: err.code }, 'pay: query or close refused');
    }
    const after = await this.db.read((q) => store.orderIn(q, outTradeNo));
    return orderViewOf(after!);
  }

  private async close(outTradeNo: string, detail: string): Promise<void> {
    const closed = await this.db.tx((q) => closeIn(q, outTradeNo, detail, this.clock.now().getTime()));
    if (closed) this.metrics.payOrder('closed', 'close');
  }

  /**
   * Refunds part or all of a paid order. The amount is set aside on the order by
   * a guarded update first (refunds never exceed what was paid, whatever runs at
   * once), then WeChat Pay is asked; a retry with the same key returns the same
   * refund (and asks WeChat again if it was never reached).
   */
  async refund(input: RefundInput): Promise<RefundView> {
    const { wx } = this.client();
    if (!Number.isInteger(input.amountFen) || input.amountFen < 1)
      throw new AppError('VALIDATION_FAILED', 'amountFen must be a whole number of fen, at least 1');
    const now = this.clock.now().getTime();
    const { refund, order } = await this.db.tx((q) => reserveRefundIn(q, input, tradeNo('HR', now), now));
    if (refund.state === 'NEW') await this.sendRefund(wx, refund, Number(order.amount_fen));
    const after = await this.db.read((q) => store.refundIn(q, refund.out_refund_no));
    return refundRowOf(after!);
  }

  /** Asks WeChat Pay for a NEW refund (again: WeChat keys it on out_refund_no) and records its answer. */
  sendRefund(wx: WxPayClient, r: store.RefundDbRow, totalFen: number): Promise<void> {
    return sendRefund(this.deps(), wx, r, totalFen);
  }

  /** The sweep's look at an open refund: sent again while NEW, asked about while PROCESSING. */
  syncRefund(wx: WxPayClient, r: store.RefundDbRow): Promise<void> {
    return syncRefund(this.deps(), wx, r);
  }

  private deps(): RefundDeps {
    return { db: this.db, clock: this.clock, hooks: this.hooks, logger: this.logger, metrics: this.metrics };
  }

  /** POST /api/pay/notify: see notify.ts. */
  notify(headers: NotifyHeaders, rawBody: string): Promise<void> {
    const { cfg } = this.client();
    return handleNotify({ ...this.deps(), cfg }, headers, rawBody);
  }

  /** One pass of the background sync/close (see sweep.ts); every instance may call it. */
  sweep(): Promise<SweepResult> {
    if (!this.wx) return Promise.resolve({ synced: 0, closed: 0, paid: 0, refunds: 0 });
    return sweep(this, this.db, this.clock, this.wx, this.logger);
  }
}
