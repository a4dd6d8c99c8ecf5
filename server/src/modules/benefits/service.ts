import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Ledger } from '../points/ledger';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import { issueVoucherIn, requestHash } from './issue';
import { benefitIn, redemptionCountsIn, returnStockIn, uncountRedemptionIn, visibleBenefitsIn } from './store';
import {
  cancelVoucherIn,
  memberVouchersIn,
  voucherByRequestKeyIn,
  voucherIn,
  type VoucherFilter,
} from './store-vouchers';
import { cancelRefundKey, redemptionDebitKey, voucherRefusal, voucherView } from './vouchers';
import { imageUrl } from '../media/urls';

/**
 * The points mall for members: the catalogue, redemption (points for a voucher),
 * the member's vouchers and cancellation. Redemption takes the per-member limit,
 * points, stock and the voucher in one transaction, each guarded by a conditional
 * update (no read-modify-write, no count-then-insert); the hot stock row is touched
 * last, so its lock is held for the shortest time. Idempotent on the client's key:
 * a replay returns the first voucher.
 */
export class BenefitService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
    /** Whether `now` falls on a member day (business date, the shared member-day rule). */
    private readonly isMemberDay: (now: Date) => Promise<boolean> = async () => false,
    /** Whether the member's paid membership is active at `now` (paid-members-only benefits). */
    private readonly isPaidMember: (q: Q, memberId: number, now: Date) => Promise<boolean> = async () => false,
  ) {}

  async list(memberId: number) {
    const now = this.clock.now().getTime();
    const rules = await this.tiers.rules();
    const memberDay = await this.isMemberDay(new Date(now));
    return this.db.read(async (q) => {
      const tier = await this.tiers.tierOfIn(q, memberId);
      const rank = (code: string | null) => (code === null ? -1 : rules.tiers.findIndex((t) => t.code === code));
      // Member-day offers are hidden on other days.
      const rows = (await visibleBenefitsIn(q, now)).filter((b) => memberDay || Number(b.member_day_only) !== 1);
      const mine = await redemptionCountsIn(q, memberId);
      return {
        items: rows.map((b) => ({
          id: String(b.id),
          title: b.title,
          description: b.description ?? '',
          kind: b.kind as 'voucher',
          costPoints: Number(b.cost_points),
          stockLeft: Number(b.stock_left),
          perMemberLimit: Number(b.per_member_limit),
          myRemaining:
            Number(b.per_member_limit) > 0
              ? Math.max(0, Number(b.per_member_limit) - (mine.get(Number(b.id)) ?? 0))
              : null,
          minTier: b.min_tier
            ? { code: b.min_tier, name: rules.tiers.find((t) => t.code === b.min_tier)?.name ?? b.min_tier }
            : null,
          locked: b.min_tier !== null && rank(tier.code) < rank(b.min_tier),
          validity: {
            days: Number(b.valid_days) > 0 ? Number(b.valid_days) : null,
            until: b.valid_until ? new Date(Number(b.valid_until)).toISOString() : null,
          },
          visibleUntil: b.visible_until ? new Date(Number(b.visible_until)).toISOString() : null,
          memberDayOnly: Number(b.member_day_only) === 1,
          paidMembersOnly: Number(b.paid_members_only) === 1,
          imageUrl: imageUrl(b.image_key),
        })),
      };
    });
  }

  async redeem(memberId: number, benefitId: number, key: string) {
    const rules = await this.tiers.rules();
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const prior = await this.replay(q, memberId, key, benefitId, now);
      if (prior) return prior;
      const b = await benefitIn(q, benefitId);
      if (!b || b.status === 'deleted') throw new AppError('BENEFIT_NOT_FOUND');
      const visible =
        b.status === 'active' &&
        (b.visible_from === null || Number(b.visible_from) <= now) &&
        (b.visible_until === null || Number(b.visible_until) > now);
      if (!visible) throw new AppError('BENEFIT_NOT_AVAILABLE');
      if (Number(b.member_day_only) === 1 && !(await this.isMemberDay(new Date(now))))
        throw new AppError('MEMBER_DAY_ONLY');
      if (Number(b.paid_members_only) === 1 && !(await this.isPaidMember(q, memberId, new Date(now))))
        throw new AppError('PAID_MEMBERS_ONLY');
      if (b.min_tier) {
        const tier = await this.tiers.tierOfIn(q, memberId);
        const rank = (c: string) => rules.tiers.findIndex((t) => t.code === c);
        if (rank(tier.code) < rank(b.min_tier))
          throw new AppError('TIER_TOO_LOW', undefined, { required: b.min_tier, yours: tier.code });
      }
      // The debit reports the balance after it; only a free benefit needs to read it.
      const cost = Number(b.cost_points);
      let balance = 0;
      const pay = async () => {
        balance =
          cost > 0
            ? (
                await this.ledger.debitIn(q, {
                  key: redemptionDebitKey(memberId, key),
                  memberId,
                  points: cost,
                  type: 'debit',
                  reason: 'redemption',
                  ref: `benefit:${benefitId}`,
                })
              ).balanceAfter
            : ((await balanceOf(q, memberId)) ?? 0);
      };
      const v = await issueVoucherIn(q, b, { memberId, requestKey: key, now, pay: { points: cost, run: pay } });
      return { voucher: voucherView(v, now), balance, replayed: false };
    });
  }

  async vouchers(memberId: number, status: VoucherFilter | undefined, cursor: string | undefined, limit: number) {
    const now = this.clock.now().getTime();
    let beforeId: number | undefined;
    if (cursor) {
      beforeId = Number(Buffer.from(cursor, 'base64url').toString());
      if (!Number.isSafeInteger(beforeId) || beforeId <= 0)
        throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
    }
    const rows = await this.db.read((q) => memberVouchersIn(q, memberId, { status, beforeId, limit, now }));
    const page = rows.slice(0, limit);
    return {
      items: page.map((v) => voucherView(v, now)),
      nextCursor: rows.length > limit ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
    };
  }

  /** Cancels an unused, valid voucher once: the status flip is the guard; stock, limit and points come back with it. */
  async cancel(
    voucherId: number,
    memberId: number | null,
    onCancelled?: (q: Q, refundedPoints: number) => Promise<void>,
  ) {
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const v = await voucherIn(q, voucherId, memberId);
      if (!v) throw new AppError('VOUCHER_NOT_FOUND');
      if (!(await cancelVoucherIn(q, voucherId, now))) throw voucherRefusal(v, now);
      await returnStockIn(q, Number(v.benefit_id), now);
      await uncountRedemptionIn(q, Number(v.benefit_id), Number(v.member_id));
      let balance = (await balanceOf(q, Number(v.member_id)))!;
      if (Number(v.cost_points) > 0) {
        balance = (
          await this.ledger.creditIn(q, {
            key: cancelRefundKey(voucherId),
            memberId: Number(v.member_id),
            points: Number(v.cost_points),
            type: 'credit',
            reason: 'redemption_cancelled',
            ref: `voucher:${voucherId}`,
          })
        ).balanceAfter;
      }
      await onCancelled?.(q, Number(v.cost_points));
      const after = (await voucherIn(q, voucherId))!;
      return {
        voucher: voucherView(after, now),
        refundedPoints: Number(v.cost_points),
        balance,
        memberId: Number(v.member_id),
      };
    });
  }

  private async replay(q: Q, memberId: number, key: string, benefitId: number, now: number) {
    const row = await voucherByRequestKeyIn(q, memberId, key);
    if (!row) return null;
    if (row.input_hash !== requestHash(benefitId)) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    const balance = (await balanceOf(q, memberId))!;
    return { voucher: voucherView(row, now), balance, replayed: true };
  }
}
