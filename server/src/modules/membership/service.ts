import { businessDate, nextPeriod, type MyMembership, type PointsLine } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { TierService } from '../tiers/service';
import { openidOf } from '../members/store';
import type { PaidOrder, PaymentService } from '../payments/service';
import { writePackGrantIn, packVouchersOfYearIn } from './pack';
import { planViews } from './views';
import { forgetPaidIn, paidPlanOnceIn } from './paid';
import { bonusLineIn, type PurchaseForBonus } from './bonus';
import * as store from './store';
import { bonusOfYearIn, paidMembersIn } from './store-benefits';
import { Remembered } from '../../core/remembered';
import './invariants';

/** How long an instance trusts its plan counts (as settings are cached). */
const PLANS_TTL_MS = 5000;

/** What membership needs of the payments module. */
export type Payments = Pick<
  PaymentService,
  'createJsapiOrder' | 'syncOrder' | 'orderView' | 'refund' | 'onPaid' | 'onRefunded' | 'enabled'
>;

/**
 * Paid membership for members: the plans on sale, buying one (a WeChat Pay order
 * at today's price, frozen in a purchase row), and the one place a membership
 * starts or grows: `onPaidIn`, run by payments inside the transaction that marks
 * the order paid. A client saying "I paid" only makes us ask WeChat (syncOrder);
 * it never adds a period itself.
 */
export class MembershipService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tiers: TierService,
    private readonly payments: Payments,
    private readonly tz: string,
    private readonly logger: Logger,
  ) {
    payments.onPaid('membership', (q, order) => this.onPaidIn(q, order));
  }

  async plans() {
    const rules = await this.tiers.rules();
    const items = await this.db.read(async (q) => planViews(q, await store.plansIn(q, true), rules));
    return { items, payAvailable: this.payments.enabled };
  }

  /** Starts a payment for a plan at its current price; a retry with the same key returns the same order. */
  async purchase(memberId: number, planCode: string, key: string) {
    if (!this.payments.enabled) throw new AppError('PAY_UNAVAILABLE');
    const now = this.clock.now().getTime();
    const { purchase, plan, openid } = await this.db.tx(async (q) => {
      const plan = await store.planByCodeIn(q, planCode);
      if (!plan) throw new AppError('PLAN_NOT_FOUND');
      const p = await store.claimPurchaseIn(
        q,
        {
          member_id: memberId,
          plan_id: Number(plan.id),
          price_fen: Number(plan.price_fen),
          period: plan.period,
          request_key: key,
        },
        now,
      );
      if (Number(p.plan_id) !== Number(plan.id)) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
      // A new purchase of a plan taken off sale is refused; a retry of one already started is answered.
      if (plan.status !== 'active' && p.out_trade_no === null) throw new AppError('PLAN_NOT_FOUND');
      const who = await openidOf(q, memberId);
      if (!who || who.status !== 'active') throw new AppError('MEMBER_NOT_FOUND');
      return { purchase: p, plan, openid: who.openid };
    });
    const order = await this.payments.createJsapiOrder({
      memberId,
      openid,
      purpose: 'membership',
      purposeRef: String(purchase.id),
      amountFen: Number(purchase.price_fen),
      description: `付费会员 ${plan.title}`.slice(0, 127),
      idempotencyKey: `membership:${key}`,
    });
    await this.db.tx((q) => store.setPurchaseTradeNoIn(q, Number(purchase.id), order.outTradeNo));
    return { outTradeNo: order.outTradeNo, priceFen: Number(purchase.price_fen), requestPayment: order.requestPayment };
  }

  /**
   * A confirmed payment: one period per order (unique on the order number), from
   * the current end when still paid (a renewal loses no day), else from now, on
   * the server's clock. Runs inside payments' transaction, so it commits with the
   * PAID state; a second delivery finds the period and changes nothing.
   */
  async onPaidIn(q: Q, order: PaidOrder): Promise<void> {
    const purchase = await store.purchaseIn(q, Number(order.purposeRef));
    if (!purchase || Number(purchase.member_id) !== order.memberId) {
      // Not ours to honour blindly; reconcile lists a paid order without a period.
      this.logger.error({ outTradeNo: order.outTradeNo }, 'membership payment without its purchase');
      return;
    }
    const now = this.clock.now().getTime();
    const sub = await store.lockSubscriptionIn(q, order.memberId, Number(purchase.plan_id), now);
    if (await store.periodByTradeNoIn(q, order.outTradeNo)) return;
    const paidUpTo = sub.status === 'active' && Number(sub.periods) > 0 ? Number(sub.ends_at) : null;
    const p = nextPeriod(paidUpTo, now, purchase.period);
    const written = await store.insertPeriodIn(
      q,
      {
        member_id: order.memberId,
        plan_id: Number(purchase.plan_id),
        purchase_id: Number(purchase.id),
        out_trade_no: order.outTradeNo,
        amount_fen: order.amountFen,
        starts_at: p.startsAt,
        ends_at: p.endsAt,
        renewal: p.renewal ? 1 : 0,
      },
      now,
    );
    if (written !== 1) return;
    await store.applyPeriodIn(
      q,
      order.memberId,
      {
        planId: Number(purchase.plan_id),
        startedAt: p.renewal ? Number(sub.started_at) : p.startsAt,
        endsAt: p.endsAt,
      },
      now,
    );
    forgetPaidIn(q, order.memberId);
    const plan = await store.planIn(q, Number(purchase.plan_id));
    if (plan?.pack_gift_rule_id)
      await writePackGrantIn(
        q,
        Number(plan.pack_gift_rule_id),
        [order.memberId],
        businessDate(new Date(now), this.tz),
        now,
      );
  }

  async mine(memberId: number): Promise<MyMembership> {
    const rules = await this.tiers.rules();
    const now = this.clock.now();
    return this.db.read(async (q) => {
      const sub = await store.subscriptionIn(q, memberId);
      const year = businessDate(now, this.tz).slice(0, 4);
      if (!sub || Number(sub.periods) === 0)
        return {
          status: 'none',
          plan: null,
          startedAt: null,
          endsAt: null,
          autoRenew: false,
          thisYear: { bonusPoints: 0, capPoints: 0, packVouchers: 0 },
        };
      const plan = await store.planIn(q, Number(sub.plan_id));
      const [view] = plan ? await planViews(q, [plan], rules) : [null];
      // Benefits stop at the end by time, before the expiry job marks the row.
      const status = sub.status === 'active' && Number(sub.ends_at) <= now.getTime() ? 'expired' : sub.status;
      return {
        status,
        plan: view,
        startedAt: new Date(Number(sub.started_at)).toISOString(),
        endsAt: new Date(Number(sub.ends_at)).toISOString(),
        autoRenew: Number(sub.auto_renew) === 1,
        thisYear: {
          bonusPoints: await bonusOfYearIn(q, memberId, year),
          capPoints: Number(plan?.yearly_cap_points ?? 0),
          packVouchers: plan?.pack_gift_rule_id
            ? await packVouchersOfYearIn(q, Number(plan.pack_gift_rule_id), memberId, year)
            : 0,
        },
      };
    });
  }

  async setAutoRenew(memberId: number, on: boolean): Promise<MyMembership> {
    const n = await this.db.tx((q) => store.setAutoRenewIn(q, memberId, on, this.clock.now().getTime()));
    if (n !== 1) throw new AppError('NOT_FOUND');
    return this.mine(memberId);
  }

  /** A membership payment of the member's; asks WeChat while it is unpaid (the app polls after requestPayment). */
  async orderStatus(memberId: number, outTradeNo: string) {
    const purchase = await this.db.read((q) => store.purchaseByTradeNoIn(q, memberId, outTradeNo));
    if (!purchase) throw new AppError('PAY_ORDER_NOT_FOUND');
    let order = await this.payments.orderView(memberId, outTradeNo);
    if (order.state === 'CREATED') order = await this.payments.syncOrder(outTradeNo);
    const activated = !!(await this.db.read((q) => store.periodByTradeNoIn(q, outTradeNo)));
    return { outTradeNo, state: order.state, activated, membership: await this.mine(memberId) };
  }

  /** The plan whose benefits the member has now (paid up to after `now`), read in the caller's unit of work. */
  paidPlanIn(q: Q, memberId: number, now: Date) {
    return paidPlanOnceIn(q, memberId, now.getTime());
  }

  /**
   * The tier floor of the member's paid plan now, or null (the tiers module's floor
   * hook, read by every card and checkout). While no plan has a floor, the member's
   * plan is not read for it (see `counts`).
   */
  async tierFloorIn(q: Q, memberId: number, now: Date): Promise<string | null> {
    if (!(await this.counts(q)).floors) return null;
    return (await paidPlanOnceIn(q, memberId, now.getTime()))?.tier_floor ?? null;
  }

  /** The tier floors of several members (check-in batches); nothing is read while no plan has a floor. */
  async tierFloorsIn(q: Q, memberIds: number[], now: Date): Promise<Map<number, string>> {
    if (!(await this.counts(q)).floors) return new Map();
    return store.paidFloorsIn(q, memberIds, now.getTime());
  }

  /** Members paid now, for the metrics gauge (read when scraped, cached there). */
  paidMembers(): Promise<number> {
    return this.db.read((q) => paidMembersIn(q, this.clock.now().getTime()));
  }

  /** The checkout's extra points hook; while there is no plan at all nothing is read. */
  async bonusIn(q: Q, p: PurchaseForBonus, pointValueCents: number): Promise<PointsLine | null> {
    if (!(await this.counts(q)).plans) return null;
    return bonusLineIn(q, p, pointValueCents);
  }

  /**
   * Whether any plan exists and any has a tier floor, cached for PLANS_TTL_MS per
   * instance: most programmes sell no plan, and then cards and checkouts read
   * nothing of membership. Dropped at once here when an operator changes a plan;
   * another instance sees a first plan or floor within that time (long before a
   * member can have paid for it and come to a till).
   */
  private readonly cached = new Remembered<'counts', { plans: number; floors: number }>(PLANS_TTL_MS);
  private counts(q: Q): Promise<{ plans: number; floors: number }> {
    return this.cached.get('counts', () => store.planCountsIn(q));
  }

  /** An operator changed a plan: the cached counts are read again. */
  plansChanged(): void {
    this.cached.forget();
  }
}
