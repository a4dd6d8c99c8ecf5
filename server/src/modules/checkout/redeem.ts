import { splitPayment, type CashSplit, type CheckoutRequest, type PointsCashRules } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { MemberCodes } from '../card/service';
import { addToCounter } from '../caps/service';

/**
 * Points as cash at the counter (积分抵现): what an order may be paid with, how
 * the member confirms, and the daily cap. The debit itself is the ledger's
 * (`debitIn`: balance guard, lots earliest expiry first), in the checkout's unit
 * of work; this file decides only what is asked of it.
 */

/** The ledger key of an order's points payment, and of the points a refund gives back. */
export const redeemKey = (storeId: number, orderNo: string) => `checkout-redeem:${storeId}:${orderNo}`;
export const redeemBackKey = (storeId: number, refundKey: string) => `checkout-redeem-back:${storeId}:${refundKey}`;

/** Points asked for (0: none); the checkout's input hash includes them only when asked, as before. */
export const requestedPoints = (req: CheckoutRequest) => req.redeemPoints ?? 0;

/**
 * How the order is paid: the split for the points asked (trimmed to the fewest
 * points buying the same discount), refused past the share of the order the
 * rules allow, or when points as cash is off.
 */
export function planRedeem(req: CheckoutRequest, rules: PointsCashRules): CashSplit {
  const asked = requestedPoints(req);
  const split = splitPayment(req.amountCents, asked, rules.pointsPerYuan);
  if (asked === 0 || split.points === 0) return { points: 0, discountCents: 0, cashCents: req.amountCents };
  const shareCents = Math.floor((req.amountCents * rules.maxSharePercent) / 100);
  if (!rules.enabled || split.discountCents > shareCents)
    throw new AppError('REDEEM_LIMIT_EXCEEDED', undefined, {
      limit: 'share',
      maxSharePercent: rules.enabled ? rules.maxSharePercent : 0,
    });
  return split;
}

/**
 * The member's consent to pay with points. `scan`: the code scanned for this
 * checkout (checked and used up by the checkout). `second_scan`: a second code of
 * the same member, of another 30 s step than the first, checked here and used up
 * in the checkout's unit of work (so a code seen before is refused there).
 * `phone`: the member confirmed in the app (`confirmations`), and the checkout
 * comes with that confirmation's token instead of a code.
 * Returns the second code's step, or null when none is needed.
 */
export async function confirmRedeem(
  codes: MemberCodes,
  p: { req: CheckoutRequest; rules: PointsCashRules; split: CashSplit; memberId: number; step: number },
  storeId: number,
  now: Date,
): Promise<number | null> {
  if (p.split.points === 0 || p.rules.confirm === 'scan') return null;
  // `phone`: only a redeem confirmation's token pays with points (that path has no code step and comes not here).
  if (p.rules.confirm === 'phone')
    throw new AppError(
      'REDEEM_CODE_REQUIRED',
      'The member confirms the points in the app: ask for a redeem confirmation',
    );
  if (!p.req.redeemCode || p.req.redeemCode === p.req.memberCode) throw new AppError('REDEEM_CODE_REQUIRED');
  // Judged in the checkout's transaction: a refused code's failures are counted after its rollback.
  const second = codes.judge(await codes.readScan(p.req.redeemCode, storeId, now, 'caller'), now);
  if (second.memberId !== p.memberId) throw new AppError('MEMBER_CODE_INVALID');
  if (second.step === p.step) throw new AppError('REDEEM_CODE_REQUIRED', 'The second code must be a fresh one');
  return second.step;
}

/**
 * Counts the points redeemed at tills today under the counter's row lock (always,
 * so the quote can show it) and refuses past the daily cap (0 = none).
 */
export async function countRedeemIn(q: Q, memberId: number, date: string, points: number, rules: PointsCashRules) {
  if (points <= 0) return;
  const total = await addToCounter(q, 'member_redeem', memberId, date, points);
  if (rules.perMemberDailyPoints > 0 && total > rules.perMemberDailyPoints)
    throw new AppError('REDEEM_LIMIT_EXCEEDED', undefined, {
      limit: 'daily',
      perMemberDailyPoints: rules.perMemberDailyPoints,
      left: Math.max(0, rules.perMemberDailyPoints - (total - points)),
    });
}
