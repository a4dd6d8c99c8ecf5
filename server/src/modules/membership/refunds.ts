import { refundDays, refundQuote } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import type { PaidOrder, RefundRow as PayRefund } from '../payments/service';
import { audit } from '../audit/audit';
import type { Payments } from './service';
import { cancelPackVouchersIn, packUseIn } from './pack';
import { forgetPaidIn } from './paid';
import * as store from './store';
import * as benefits from './store-benefits';
import { isoAt } from '../../core/iso';

/**
 * Operators' refunds of a paid period. The quote is fixed when asked for: the
 * member's latest period not refunded, pro rata by whole unused days (full within
 * `membership.refund.fullRefundDays` of its start when no benefit was used) less
 * the value of pack vouchers written off. The extra points the plan gave in the
 * period are taken back through the ledger (a debt when spent, as checkout
 * refunds do) rather than charged, so they are not deducted twice. The effects
 * (end moved back, unused pack vouchers cancelled, points taken back) happen once,
 * when the money went back: in payments' onRefunded transaction, or at once for a
 * refund of 0.
 */
export class MembershipRefunds {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly ledger: Ledger,
    private readonly payments: Payments,
  ) {
    payments.onRefunded('membership', (q, refund, order) => this.onRefundedIn(q, refund, order));
  }

  async preview(memberId: number) {
    return this.db.read((q) => this.quoteIn(q, memberId, this.clock.now().getTime()));
  }

  private async quoteIn(q: Q, memberId: number, now: number) {
    const period = await store.refundablePeriodIn(q, memberId);
    const sub = await store.subscriptionIn(q, memberId);
    // A period already over has nothing unused to give back.
    if (!period || !sub || Number(period.ends_at) <= now) throw new AppError('NOT_FOUND', 'Nothing to refund');
    const use = await this.useIn(q, period, now);
    const { fullRefundDays } = await this.settings.get('membership.refund');
    const quote = refundQuote({
      paidFen: Number(period.amount_fen),
      startsAt: Number(period.starts_at),
      endsAt: Number(period.ends_at),
      now,
      fullRefundDays,
      usedValueFen: use.pack.usedValueFen,
      anyUsed: use.bonus > 0 || use.pack.used > 0,
    });
    return {
      memberId: String(memberId),
      periodId: String(period.id),
      outTradeNo: period.out_trade_no,
      paidFen: Number(period.amount_fen),
      totalDays: quote.totalDays,
      unusedDays: quote.unusedDays,
      full: quote.full,
      usedValueFen: use.pack.usedValueFen,
      refundFen: quote.refundFen,
      unusedVouchers: use.pack.unused.length,
      bonusPoints: use.bonus,
      endsAt: isoAt(Math.max(now, Number(sub.ends_at) - quote.cutMs)),
      cutMs: quote.cutMs,
    };
  }

  /** What the member used of a period so far: the plan's extra points, and its pack vouchers. */
  private async useIn(q: Q, period: store.PeriodRow, now: number) {
    const plan = await store.planIn(q, Number(period.plan_id));
    const valueCents = await this.settings.get('points.valueCents');
    const until = Math.min(now, Number(period.ends_at));
    const bonus =
      until > Number(period.starts_at)
        ? await benefits.bonusBetweenIn(q, Number(period.member_id), Number(period.starts_at), until)
        : 0;
    const pack = plan?.pack_gift_rule_id
      ? await packUseIn(
          q,
          Number(plan.pack_gift_rule_id),
          Number(period.member_id),
          // Packs given since this period began (a renewal paid early starts later: the current period's packs are not its).
          Math.max(Number(period.created_at), Number(period.starts_at)),
          now,
          valueCents,
        )
      : { unused: [], usedValueFen: 0, used: 0 };
    return { bonus, pack };
  }

  async refund(
    by: { staffId: number; requestId?: string },
    body: { memberId: string; periodId: string; reason: string },
    key: string,
  ) {
    const memberId = Number(body.memberId);
    const first = await this.db.tx(async (q) => {
      const prior = await benefits.refundByKeyIn(q, key);
      if (prior) {
        if (String(prior.period_id) !== body.periodId || Number(prior.member_id) !== memberId)
          throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
        return { row: prior, replayed: true };
      }
      const now = this.clock.now().getTime();
      const quote = await this.quoteIn(q, memberId, now);
      if (quote.periodId !== body.periodId)
        throw new AppError('VALIDATION_FAILED', 'Refund the period the preview names', { field: 'periodId' });
      const written = await benefits.insertRefundIn(q, {
        period_id: Number(quote.periodId),
        member_id: memberId,
        request_key: key,
        out_trade_no: quote.outTradeNo,
        amount_fen: quote.refundFen,
        used_value_fen: quote.usedValueFen,
        cut_ms: quote.cutMs,
        reason: body.reason,
        staff_id: by.staffId,
        created_at: now,
      });
      if (written !== 1) throw new AppError('IDEMPOTENCY_CONFLICT', 'This period is being refunded already');
      const row = (await benefits.refundByKeyIn(q, key))!;
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: by.staffId,
          action: 'membership.refund',
          targetType: 'member',
          targetId: memberId,
          after: { periodId: quote.periodId, refundFen: quote.refundFen, full: quote.full, reason: body.reason },
          requestId: by.requestId,
        },
        new Date(now),
      );
      // Nothing to pay back: the membership is cut now.
      if (quote.refundFen === 0) await this.applyIn(q, row);
      return { row, replayed: false };
    });
    if (first.row.status === 'requested' && Number(first.row.amount_fen) > 0)
      await this.payBack(first.row, first.replayed);
    return this.viewOf(Number(first.row.id), first.replayed);
  }

  /**
   * Asks payments for the money back. A retry of a refund still in flight asks
   * again under the same key (idempotent there); when WeChat Pay closed that
   * attempt (nothing was paid out) the retry asks once more under a new key. An
   * ABNORMAL refund is left to the merchant platform: asking again could pay twice.
   */
  private async payBack(row: benefits.RefundRow, retry: boolean): Promise<void> {
    const ask = (attempt: number) =>
      this.payments.refund({
        outTradeNo: row.out_trade_no,
        amountFen: Number(row.amount_fen),
        reason: row.reason,
        idempotencyKey: attempt === 0 ? `membership-refund:${row.id}` : `membership-refund:${row.id}:${attempt}`,
      });
    const seen = Number(row.attempts);
    const view = await ask(seen);
    if (!retry || view.state !== 'CLOSED') return;
    if ((await this.db.tx((q) => benefits.nextAttemptIn(q, Number(row.id), seen))) === 1) await ask(seen + 1);
  }

  private async viewOf(id: number, replayed: boolean) {
    return this.db.read(async (q) => {
      const row = (await benefits.refundIn(q, id))!;
      const period = (await store.periodIn(q, Number(row.period_id)))!;
      const sub = (await store.subscriptionIn(q, Number(row.member_id)))!;
      const { totalDays, unusedDays } = refundDays(
        Number(period.starts_at),
        Number(period.ends_at),
        Number(row.cut_ms),
      );
      return {
        refundId: String(row.id),
        status: row.status,
        replayed,
        memberId: String(row.member_id),
        periodId: String(row.period_id),
        outTradeNo: row.out_trade_no,
        paidFen: Number(period.amount_fen),
        totalDays,
        unusedDays,
        full: Number(row.amount_fen) === Number(period.amount_fen),
        usedValueFen: Number(row.used_value_fen),
        refundFen: Number(row.amount_fen),
        unusedVouchers: Number(row.vouchers_cancelled),
        bonusPoints: Number(row.points_clawed),
        endsAt: isoAt(Number(sub.ends_at)),
      };
    });
  }

  /** payments' refund reached SUCCESS: the membership refund waiting on this order takes effect, once. */
  async onRefundedIn(q: Q, _refund: PayRefund, order: PaidOrder): Promise<void> {
    const row = await benefits.requestedRefundOfOrderIn(q, order.outTradeNo);
    if (row) await this.applyIn(q, row);
  }

  /** The effects of a refund, once (the requested -> done flip is the guard). */
  private async applyIn(q: Q, row: benefits.RefundRow): Promise<void> {
    const now = this.clock.now().getTime();
    const period = (await store.periodIn(q, Number(row.period_id)))!;
    const memberId = Number(row.member_id);
    await store.lockSubscriptionIn(q, memberId, Number(period.plan_id), now);
    if ((await benefits.finishRefundIn(q, Number(row.id), 'done', { vouchers: 0, points: 0 }, now)) !== 1) return;
    const use = await this.useIn(q, period, now);
    await store.cutSubscriptionIn(q, memberId, Number(row.cut_ms), now);
    forgetPaidIn(q, memberId);
    const vouchers = await cancelPackVouchersIn(q, use.pack.unused, memberId, now);
    if (use.bonus > 0)
      await this.ledger.reverseIn(q, {
        key: `membership-refund:${row.id}`,
        memberId,
        points: use.bonus,
        type: 'reversal',
        reason: 'membership_refund',
        ref: `membership_refund:${row.id}`,
      });
    await benefits.setRefundCountsIn(q, Number(row.id), vouchers, use.bonus);
  }
}
