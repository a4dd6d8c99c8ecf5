import { businessDate, maxRedeemablePoints, splitPayment, earningForCashPart } from '@huiyuan/shared';
import type { endpoints, QueryOf, ResponseOf } from '@huiyuan/shared';
import type { Services } from '../services';
import { counterValue } from '../caps/service';
import { purchaseRules } from './earning';

type Quote = ResponseOf<typeof endpoints.staffCheckoutQuote>;

/**
 * The counter's preview of an order paid partly with points: the member's
 * spendable and pending points, the most this order may use and the split of the
 * points asked for (or of the most usable). Reads only; the code is checked (and
 * counted as a scan) but not used up, like the member lookup.
 */
export async function quoteCheckout(
  c: Pick<Services, 'clock' | 'codes' | 'db' | 'tiers' | 'points' | 'settings' | 'config'>,
  storeId: number,
  query: QueryOf<typeof endpoints.staffCheckoutQuote>,
): Promise<Quote> {
  const now = c.clock.now();
  const { memberId } = await c.codes.verify(query.memberCode, storeId, now);
  const rules = await c.settings.get('checkout.pointsCash');
  const date = businessDate(now, c.config.businessTz);
  // The member's own summary: the balance without lots past their expiry (the debit sweeps those first) and pending points.
  const points = await c.points.summary(memberId, now);
  const read = await c.db.read(async (q) => ({
    redeemedToday: await counterValue(q, 'member_redeem', memberId, date),
    tier: await c.tiers.tierOfIn(q, memberId),
  }));
  const maxPoints = maxRedeemablePoints(
    { amountCents: query.amountCents, balance: points.balance, redeemedToday: read.redeemedToday },
    rules,
  );
  const split = splitPayment(query.amountCents, Math.min(query.points ?? maxPoints, maxPoints), rules.pointsPerYuan);
  const earning = earningForCashPart(
    { cashCents: split.cashCents, businessDate: date, tierMultiplierPercent: read.tier.multiplierPercent },
    await purchaseRules(c.settings, c.tiers),
  );
  return {
    memberId: String(memberId),
    balance: points.balance,
    pendingPoints: points.pending?.total ?? 0,
    maxPoints,
    redeemedToday: read.redeemedToday,
    rules,
    split,
    earnPoints: earning.points.total,
  };
}
