import { planBonusPoints, type PointsLine } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { paidPlanOnceIn } from './paid';
import { owedBack, type RefundedShare } from '../checkout/refunds';
import { bonusOfOrderIn, giveBackCapIn, insertBonusIn, takeFromCapIn } from './store-benefits';

export interface PurchaseForBonus {
  memberId: number;
  storeId: number;
  orderNo: string;
  /** The purchase's base points (before tier, campaign and member-day multipliers). */
  basePoints: number;
  cashCents: number;
  /** Business date of the purchase: its year is the cap's year. */
  date: string;
  now: Date;
}

/** The line code of a plan's extra points on a checkout's answer and in its points. */
export const BONUS_LINE = 'membership';

/**
 * The extra points of the member's paid plan on one purchase, inside the
 * checkout's unit of work: the plan's multiplier or cash-back, cut to what is left
 * of the yearly cap (a guarded counter, so concurrent checkouts never pass it),
 * recorded once per order. Null when the member has no paid plan now or nothing
 * is left. The checkout adds the line to the purchase credit, so its refunds take
 * the extra back in proportion like the rest.
 */
export async function bonusLineIn(q: Q, p: PurchaseForBonus, pointValueCents: number): Promise<PointsLine | null> {
  const plan = await paidPlanOnceIn(q, p.memberId, p.now.getTime());
  if (!plan) return null;
  const want = planBonusPoints(plan.benefit_kind, Number(plan.benefit_percent), {
    basePoints: p.basePoints,
    cashCents: p.cashCents,
    pointValueCents,
  });
  const year = p.date.slice(0, 4);
  const points = await takeFromCapIn(q, p.memberId, year, want, Number(plan.yearly_cap_points));
  if (points <= 0) return null;
  await insertBonusIn(
    q,
    {
      memberId: p.memberId,
      planId: Number(plan.id),
      orderKey: `checkout:${p.storeId}:${p.orderNo}`,
      kind: plan.benefit_kind,
      points,
      year,
    },
    p.now.getTime(),
  );
  return { code: BONUS_LINE, points };
}

/**
 * A refund of an order takes its extra points back in proportion (they are part of
 * the purchase credit); this gives the same share back to the yearly cap, in the
 * refund's unit of work, so a refunded purchase does not use up the cap. The
 * refund runs once per key, so the share is counted once.
 */
export async function returnCapIn(q: Q, r: RefundedShare): Promise<void> {
  const bonus = await bonusOfOrderIn(q, `checkout:${r.storeId}:${r.orderNo}`);
  if (!bonus || Number(bonus.member_id) !== r.memberId) return;
  const points = Number(bonus.points);
  // The checkout's claw-back rounding, so the cap gets back exactly the share the refund took.
  const back = owedBack(points, r.refundedAfter, r.amountCents) - owedBack(points, r.refundedBefore, r.amountCents);
  await giveBackCapIn(q, r.memberId, bonus.year, back);
}
