import {
  businessDate,
  earningForCashPart,
  maskName,
  parseMemberCode,
  type CheckoutRequest,
  type CheckoutResponse,
  type PointsCashRules,
  type PointsLine,
} from '@huiyuan/shared';
import { allOf, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { requireStore, type StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger, LedgerOp } from '../points/ledger';
import { releaseAtFor, type PendingPoints } from '../points/pending';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import { CodeRefused, type MemberCodes } from '../card/service';
import { audit } from '../audit/audit';
import * as orderStore from './store';
import { claimOrderIn, replayOrderIn } from './claim';
import { isStaffOfMember, storeNameOf } from '../staff/store';
import { nicknameOf } from '../members/store';
import { recordOrderIn } from '../members/activity';
import { purchaseRules } from './earning';
import { addWithinCap } from '../caps/service';
import { confirmRedeem, countRedeemIn, planRedeem, redeemKey } from './redeem';
import type { Confirmations } from '../confirmations/service';
import type { PurchaseForBonus } from '../membership/bonus';

export const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

/**
 * Crediting a purchase at the counter. Idempotent on (store, orderNo): the order
 * row is claimed first by its unique key, so 50 taps of "credit" credit once and
 * the others get the first result; the same orderNo with another amount or
 * member is a 409. Points paid with (a ledger debit) and points earned on the
 * cash part (a credit, or pending points when the operator sets a window),
 * growth, tier upgrade, caps, code uses, order and audit commit together or not
 * at all.
 */
export class CheckoutService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly ledger: Ledger,
    private readonly pending: PendingPoints,
    private readonly tiers: TierService,
    private readonly codes: MemberCodes,
    private readonly tz: string,
    /** Runs in the checkout transaction after the credit (referrals' first purchase). */
    private readonly onPurchase: (q: Q, memberId: number, now: Date) => Promise<void> = async () => undefined,
    /** Member tokens of confirmed phone lookups, the alternative to a member code. */
    private readonly lookups?: Pick<Confirmations, 'memberOf' | 'useIn' | 'allowsToken'>,
    /** A paid membership's extra points on this purchase (cap taken in this unit of work), or null. */
    private readonly bonus?: (q: Q, p: PurchaseForBonus) => Promise<PointsLine | null>,
  ) {}

  async checkout(staff: StaffPrincipal, req: CheckoutRequest, requestId?: string): Promise<CheckoutResponse> {
    const storeId = requireStore(staff);
    const now = this.clock.now();
    const token = req.memberToken;
    if (token && (!this.lookups || !(await this.lookups.allowsToken(token, storeId, req))))
      // A lookup's token names the member, no points; a redeem confirmation's pays its own order with its points.
      throw new AppError('VALIDATION_FAILED', 'Points as cash need the member code', { field: 'redeemPoints' });
    const claimed = req.memberCode ? parseMemberCode(req.memberCode)?.memberId : undefined;
    const byToken = token ? String(await this.lookups!.memberOf(token, storeId, true)) : undefined;
    const cashRules = await this.settings.get('checkout.pointsCash');
    const pendingDays = await this.settings.get('points.pendingDays');
    try {
      return await this.db.tx((q) =>
        this.creditIn(q, staff, storeId, req, now, { claimed, byToken, cashRules, pendingDays }, requestId),
      );
    } catch (err) {
      // A bad code was judged in the transaction, which has rolled back: its failures are counted now.
      if (err instanceof CodeRefused) throw await this.codes.refused(err);
      throw err;
    }
  }

  private async creditIn(
    q: Q,
    staff: StaffPrincipal,
    storeId: number,
    req: CheckoutRequest,
    now: Date,
    given: { claimed?: string; byToken?: string; cashRules: PointsCashRules; pendingDays: number },
    requestId?: string,
  ): Promise<CheckoutResponse> {
    const token = req.memberToken;
    const { cashRules, pendingDays } = given;
    // One round trip (MySQL) for the reads: the first result of a retry, answered from the order even
    // after its code expired; what judging the code needs (read only: the scan is counted in the COMMIT);
    // and, for the member the code or token names, what is used further down.
    const named = given.claimed ?? given.byToken;
    const reads = (id: number) =>
      allOf([isStaffOfMember(q, staff.id, id), this.tiers.tierOfIn(q, id), nicknameOf(q, id)]);
    const [again, scan, storeName, early] = await allOf([
      replayOrderIn(q, storeId, req, named),
      token ? undefined : this.codes.readScan(req.memberCode!, storeId, now, 'caller'),
      storeNameOf(q, storeId),
      named === undefined ? undefined : reads(Number(named)),
    ]);
    if (again) return again;
    const { memberId, step } = token
      ? { memberId: await this.lookups!.memberOf(token, storeId), step: null }
      : this.codes.judge(scan!, now);
    const split = planRedeem(req, cashRules);
    const secondStep =
      step === null
        ? null
        : await confirmRedeem(this.codes, { req, rules: cashRules, split, memberId, step }, storeId, now);
    const [ownMember, tier, member] = early && Number(named) === memberId ? early : await reads(memberId);
    if (ownMember) throw new AppError('SELF_CREDIT_FORBIDDEN');
    const date = businessDate(now, this.tz);
    // Excluded order types (gift cards, deposits...) are recorded but earn nothing; what points paid earns nothing.
    const earning = earningForCashPart(
      {
        cashCents: split.cashCents,
        orderNo: req.orderNo,
        businessDate: date,
        tierMultiplierPercent: tier.multiplierPercent,
      },
      await purchaseRules(this.settings, this.tiers),
    );
    // A paid plan's extra points join the purchase credit, so refunds take them back in proportion.
    const extra =
      this.bonus && !earning.excluded
        ? await this.bonus(q, {
            memberId,
            storeId,
            orderNo: req.orderNo,
            basePoints: earning.points.lines.find((l) => l.code === 'base')?.points ?? 0,
            cashCents: split.cashCents,
            date,
            now,
          })
        : null;
    const earned = extra
      ? { total: earning.points.total + extra.points, lines: [...earning.points.lines, extra] }
      : earning.points;
    const caps = await this.settings.get('checkout.caps');
    // One round trip: the order's claim, the code's use, and the day's counters after them (points
    // redeemed, then staff, then member: counters before the account, the lock order of every checkout).
    // Only the claim can fail on its key; a counter over its cap fails the unit of work.
    const use = { memberId, step: step ?? 0, storeId, staffId: staff.id, orderNo: req.orderNo };
    const [claim, useOfCode, ...counters] = await Promise.allSettled([
      claimOrderIn(q, storeId, req, memberId, staff.id, date, now, split),
      step === null ? true : this.codes.tryUseIn(q, use, now),
      countRedeemIn(q, memberId, date, split.points, cashRules),
      addWithinCap(q, 'staff_credit', staff.id, date, earned.total, caps.perStaffDailyPoints, {
        staffId: String(staff.id),
      }),
      addWithinCap(q, 'member_credit', memberId, date, earned.total, caps.perMemberDailyPoints, {}),
    ]);
    // A taken order first (the replay answers), then a replayed code, then the counters.
    if (claim.status === 'rejected') throw claim.reason;
    if (useOfCode.status === 'fulfilled' && !useOfCode.value) throw new AppError('MEMBER_CODE_REPLAYED');
    for (const r of [useOfCode, ...counters]) if (r.status === 'rejected') throw r.reason;
    const orderId = claim.value;
    if (step === null) await this.lookups!.useIn(q, token!, storeId, req.orderNo, now);
    // An order is activity (churn) and names the member's store for its call list; written once a day per store.
    await recordOrderIn(q, memberId, storeId, date);
    if (secondStep !== null)
      await this.codes.useIn(q, { memberId, step: secondStep, storeId, staffId: staff.id, orderNo: req.orderNo }, now);

    const note = `${storeName ?? ''} ${req.orderNo}`.trim();
    let balance: number | null = null;
    if (split.points > 0) {
      const debit = await this.ledger.debitIn(q, {
        key: redeemKey(storeId, req.orderNo),
        memberId,
        points: split.points,
        type: 'debit',
        reason: 'checkout_redeem',
        ref: `order:${orderId}`,
        storeId,
        operatorId: staff.id,
        note,
      });
      balance = debit.balanceAfter;
    }
    const credit: LedgerOp = {
      key: `checkout:${storeId}:${req.orderNo}`,
      memberId,
      points: earned.total,
      type: 'credit',
      reason: 'purchase',
      ref: `order:${orderId}`,
      storeId,
      operatorId: staff.id,
      note,
    };
    const releaseAt = earned.total > 0 && pendingDays > 0 ? releaseAtFor(now, pendingDays, this.tz) : null;
    const growth = earning.growth;
    // The credit (or the pending hold) and the growth are sent together, one round trip on MySQL,
    // the account's row ahead of the tier's: the lock order every unit of work keeps.
    const [credited, { change }] = await allOf([
      releaseAt
        ? this.pending.holdIn(q, credit, releaseAt).then(() => null)
        : earned.total > 0
          ? // The order claimed above is the natural key of this credit's key: no replay read.
            this.ledger.creditIn(q, credit, { keyIsNew: true }).then((r) => r.balanceAfter)
          : null,
      growth > 0
        ? this.tiers.addGrowthIn(
            q,
            {
              key: `purchase:${storeId}:${req.orderNo}`,
              memberId,
              delta: growth,
              source: 'purchase',
              ref: `order:${orderId}`,
              storeId,
              label: `消费 ${yuan(split.cashCents)} · ${storeName ?? '门店'} · 订单 ${req.orderNo}`,
            },
            now,
          )
        : { change: null },
    ]);
    balance = credited ?? balance ?? (await balanceOf(q, memberId)) ?? 0;
    const tierAfter = change ? await this.tiers.tierOfIn(q, memberId) : tier;
    const result: CheckoutResponse = {
      orderNo: req.orderNo,
      memberId: String(memberId),
      maskedName: maskName(member?.nickname ?? null),
      amountCents: req.amountCents,
      points: earned.total,
      lines: earned.lines,
      growth,
      balance,
      tier: tierAfter,
      tierChanged: change,
      redeemedPoints: split.points,
      discountCents: split.discountCents,
      cashCents: split.cashCents,
      pendingPoints: releaseAt ? earned.total : 0,
      pendingUntil: releaseAt ? releaseAt.toISOString() : null,
      replayed: false,
    };
    await this.onPurchase(q, memberId, now);
    await orderStore.finishOrder(q, orderId, earned.total, growth, JSON.stringify(result), now);
    await audit(
      q,
      {
        actorType: 'staff',
        actorId: staff.id,
        action: 'checkout.credit',
        targetType: 'member',
        targetId: memberId,
        after: {
          storeId,
          orderNo: req.orderNo,
          amountCents: req.amountCents,
          redeemedPoints: split.points,
          points: earned.total,
          growth,
          tierChanged: change,
        },
        requestId,
      },
      now,
    );
    if (step !== null) await this.codes.countScanIn(q, storeId, now);
    return result;
  }
}
