import { createHash } from 'node:crypto';
import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { benefitIn, countRedemptionIn, takeStockIn, uncountRedemptionIn, type BenefitRow } from './store';
import { insertVoucherIn, voucherByRequestKeyIn, type VoucherRow } from './store-vouchers';
import { newVoucherCode } from './vouchers';

const DAY_MS = 86_400_000;

/** The request hash stored with a voucher: a replay of its key must name the same benefit. */
export const requestHash = (benefitId: number): string =>
  createHash('sha256')
    .update(JSON.stringify([benefitId]))
    .digest('hex');

/** A voucher issued at `now` is valid for the benefit's days, or else until its fixed date. */
export function voucherValidUntil(b: Pick<BenefitRow, 'valid_days' | 'valid_until'>, now: number): number {
  return Number(b.valid_days) > 0 ? now + Number(b.valid_days) * DAY_MS : Number(b.valid_until);
}

export interface IssueRequest {
  memberId: number;
  /** Unique per member: the client's Idempotency-Key for a redemption, a fixed key (e.g. 'churn-gift') for a gift. */
  requestKey: string;
  now: number;
  /**
   * A redemption pays here: after the per-member limit and before the stock, so the
   * hot stock row is locked last and for the shortest time. A gift has no payment.
   */
  pay?: { points: number; run: () => Promise<void> };
}

/**
 * Issues one voucher of benefit `b` to a member, in the caller's unit of work: the
 * voucher's validity from the benefit's rules, the member's redemption count against
 * the per-member limit, one unit of stock, and the voucher with a fresh code. Every
 * voucher, bought or given, goes through here, so stock taken = vouchers issued and
 * a cancellation can give back exactly what was taken.
 *
 * A redemption (with `pay`) refuses by throwing (BENEFIT_NOT_AVAILABLE, LIMIT_REACHED,
 * OUT_OF_STOCK), which rolls its transaction back. A gift (`gift: true`) that the
 * rules refuse is simply not given: it returns null and undoes its own count, so the
 * caller's batch goes on. Built from what was written: no read-back.
 */
export async function issueVoucherIn(q: Q, b: BenefitRow, req: IssueRequest): Promise<VoucherRow>;
export async function issueVoucherIn(
  q: Q,
  b: BenefitRow,
  req: IssueRequest & { gift: true; pay?: undefined },
): Promise<VoucherRow | null>;
export async function issueVoucherIn(
  q: Q,
  b: BenefitRow,
  req: IssueRequest & { gift?: boolean },
): Promise<VoucherRow | null> {
  const { memberId, now } = req;
  const benefitId = Number(b.id);
  const refuse = (err: AppError) => {
    if (req.gift) return null;
    throw err;
  };
  const validUntil = voucherValidUntil(b, now);
  if (!(validUntil > now))
    return refuse(new AppError('BENEFIT_NOT_AVAILABLE', "This benefit's vouchers have already expired"));
  const limit = Number(b.per_member_limit);
  if (limit > 0) {
    const redeemed = await countRedemptionIn(q, benefitId, memberId);
    if (redeemed > limit) {
      if (req.gift) await uncountRedemptionIn(q, benefitId, memberId);
      return refuse(new AppError('LIMIT_REACHED', undefined, { limit }));
    }
  }
  await req.pay?.run();
  if (!(await takeStockIn(q, benefitId, now))) {
    if (req.gift && limit > 0) await uncountRedemptionIn(q, benefitId, memberId);
    return refuse(new AppError('OUT_OF_STOCK'));
  }
  const code = newVoucherCode();
  const costPoints = req.pay?.points ?? 0;
  let id: number;
  try {
    id = await insertVoucherIn(q, {
      code,
      benefitId,
      memberId,
      costPoints,
      requestKey: req.requestKey,
      inputHash: requestHash(benefitId),
      validUntil,
      now,
    });
  } catch (err) {
    // The same request key committed first (or, once in 2^79, a code collision): run again.
    if (isDuplicateKey(err)) throw new RetryTransaction(`voucher for ${req.requestKey}`);
    throw err;
  }
  return {
    id,
    code,
    benefit_id: benefitId,
    member_id: memberId,
    status: 'unused',
    cost_points: costPoints,
    valid_until: validUntil,
    written_off_at: null,
    created_at: now,
    title: b.title,
  };
}

/**
 * Gives a member a free voucher of an active benefit once per `requestKey` (e.g.
 * the churn wake-up gift), by the same rule as the mall. Null when the benefit is
 * missing or inactive, the member already had this gift, or the rules refuse it.
 */
export async function giftVoucherIn(
  q: Q,
  g: { benefitId: number; memberId: number; requestKey: string; now: number },
): Promise<VoucherRow | null> {
  const b = await benefitIn(q, g.benefitId);
  if (!b || b.status !== 'active') return null;
  if (await voucherByRequestKeyIn(q, g.memberId, g.requestKey)) return null;
  return issueVoucherIn(q, b, { memberId: g.memberId, requestKey: g.requestKey, now: g.now, gift: true });
}
