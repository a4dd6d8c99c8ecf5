import { createHash } from 'node:crypto';
import {
  businessDate,
  earningForCashPart,
  maskName,
  parseMemberCode,
  type CheckoutRequest,
  type CheckoutResponse,
  type PointsLine,
} from '@huiyuan/shared';
import { allOf, isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger, LedgerOp } from '../points/ledger';
import { releaseAtFor, type PendingPoints } from '../points/pending';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import type { MemberCodes } from '../card/service';
import { audit } from '../audit/audit';
import * as orderStore from './store';
import { isStaffOfMember, storeNameOf } from '../staff/store';
import { nicknameOf } from '../members/store';
import { recordOrderIn } from '../members/activity';
import { purchaseRules } from './earning';
import { addWithinCap } from '../caps/service';
import { confirmRedeem, countRedeemIn, planRedeem, redeemKey, requestedPoints } from './redeem';
import type { Confirmations } from '../confirmations/service';
import type { PurchaseForBonus } from '../membership/bonus';

export const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
/** What makes two checkouts of one order the same: the amount, and the points asked for when any (older orders hash the amount alone). */
const inputHashOf = (req: CheckoutRequest) =>
  sha(requestedPoints(req) ? [req.amountCents, requestedPoints(req)] : [req.amountCents]);

export function requireStore(staff: StaffPrincipal): number {
  if (staff.storeId === null) throw new AppError('STORE_REQUIRED');
  return staff.storeId;
}

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
    // A retry of a finished checkout is answered from the order, even after its code expired. What
    // judging the code needs is read in the same round trip (read only: the scan is counted in the COMMIT below).
    const [first, scan] = await this.db.read((q) =>
      allOf([
        this.replay(q, storeId, req, claimed ?? byToken),
        token ? undefined : this.codes.readScan(req.memberCode!, storeId, now, 'caller'),
      ]),
    );
    if (first) return first;
    const { memberId, step } = token
      ? { memberId: await this.lookups!.memberOf(token, storeId), step: null }
      : await this.codes.verify(req.memberCode!, storeId, now, 'caller', scan);
    const cashRules = await this.settings.get('checkout.pointsCash');
    const split = planRedeem(req, cashRules);
    const secondStep =
      step === null
        ? null
        : await confirmRedeem(this.codes, { req, rules: cashRules, split, memberId, step }, storeId, now);
    const pendingDays = await this.settings.get('points.pendingDays');
    return this.db.tx(async (q) => {
      // Independent reads together, one round trip on MySQL (tier, store and name are used further down).
      const [again, ownMember, tier, storeName, member] = await allOf([
        this.replay(q, storeId, req, String(memberId)),
        isStaffOfMember(q, staff.id, memberId),
        this.tiers.tierOfIn(q, memberId),
        storeNameOf(q, storeId),
        nicknameOf(q, memberId),
      ]);
      if (again) return again;
      if (ownMember) throw new AppError('SELF_CREDIT_FORBIDDEN');
      const date = businessDate(now, this.tz);
      // The order's claim and the code's use in one round trip; only the claim can fail on its key.
      const use = { memberId, step: step ?? 0, storeId, staffId: staff.id, orderNo: req.orderNo };
      const [orderId, used] = await allOf([
        this.claimOrder(q, storeId, req, memberId, staff.id, date, now, split),
        step === null ? true : this.codes.tryUseIn(q, use, now),
      ]);
      if (step === null) await this.lookups!.useIn(q, token!, storeId, req.orderNo, now);
      else if (!used) throw new AppError('MEMBER_CODE_REPLAYED');
      // An order is activity (churn) and names the member's store for its call list; written once a day per store.
      await recordOrderIn(q, memberId, storeId, date);
      if (secondStep !== null)
        await this.codes.useIn(
          q,
          { memberId, step: secondStep, storeId, staffId: staff.id, orderNo: req.orderNo },
          now,
        );

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
      // Counters before the account: every checkout takes its row locks in this order.
      await countRedeemIn(q, memberId, date, split.points, cashRules);
      const caps = await this.settings.get('checkout.caps');
      // Both counters in one round trip, staff first (the lock order); either over its cap fails the unit.
      await allOf([
        addWithinCap(q, 'staff_credit', staff.id, date, earned.total, caps.perStaffDailyPoints, {
          staffId: String(staff.id),
        }),
        addWithinCap(q, 'member_credit', memberId, date, earned.total, caps.perMemberDailyPoints, {}),
      ]);

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
      if (releaseAt) await this.pending.holdIn(q, credit, releaseAt);
      // The order claimed above is the natural key of this credit's key: no replay read.
      else if (earned.total > 0) balance = (await this.ledger.creditIn(q, credit, { keyIsNew: true })).balanceAfter;
      balance ??= (await balanceOf(q, memberId)) ?? 0;
      const growth = earning.growth;
      const { change } =
        growth > 0
          ? await this.tiers.addGrowthIn(
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
          : { change: null };
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
    });
  }

  /** The first result for (store, orderNo), or null; a different amount or member is a conflict. */
  private async replay(
    q: Q,
    storeId: number,
    req: CheckoutRequest,
    memberId: string | undefined,
  ): Promise<CheckoutResponse | null> {
    const row = await orderStore.orderClaim(q, storeId, req.orderNo);
    if (!row) return null;
    if (row.input_hash !== inputHashOf(req) || String(row.member_id) !== memberId) {
      throw new AppError(
        'IDEMPOTENCY_CONFLICT',
        'This order number was already credited with a different amount or member',
        { orderNo: req.orderNo },
      );
    }
    // Answers stored before points as cash lack its fields: they paid nothing with points.
    const first = JSON.parse(row.result_json ?? '{}') as Partial<CheckoutResponse>;
    const before = {
      redeemedPoints: 0,
      discountCents: 0,
      cashCents: first.amountCents,
      pendingPoints: 0,
      pendingUntil: null,
    };
    return { ...before, ...first, replayed: true } as CheckoutResponse;
  }

  private async claimOrder(
    q: Q,
    storeId: number,
    req: CheckoutRequest,
    memberId: number,
    staffId: number,
    date: string,
    now: Date,
    split: { points: number; discountCents: number },
  ): Promise<number> {
    try {
      return await orderStore.insertOrder(
        q,
        {
          storeId,
          orderNo: req.orderNo,
          memberId,
          staffId,
          amountCents: req.amountCents,
          inputHash: inputHashOf(req),
          businessDate: date,
          redeemedPoints: split.points,
          discountCents: split.discountCents,
        },
        now,
      );
    } catch (err) {
      // Another till committed this order first: run again and the replay answers.
      if (isDuplicateKey(err)) throw new RetryTransaction(`order ${req.orderNo} taken`);
      throw err;
    }
  }
}
