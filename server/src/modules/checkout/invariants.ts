import type { Q } from '../../db/database';
import { deltasOfKeys } from '../points/store-reads';
import { redeemedOrdersAfter, returningRefundsAfter } from './store-checks';
import { redeemBackKey, redeemKey } from './redeem';

const PAGE = 1000;

/**
 * Points paid at the till agree with the ledger: an order paid with points has a
 * debit of exactly those points under its key; what its refunds gave back adds up
 * to the order's total given back, never more than was paid; and each refund
 * that gave points back has its credit of exactly those points.
 */
export async function redeemedOrdersOffLedger(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  const bad: Record<string, unknown>[] = [];
  for (let after = 0; bad.length < limit;) {
    const page = await redeemedOrdersAfter(q, after, PAGE);
    if (!page.length) break;
    after = page[page.length - 1].id;
    const deltas = await deltasOfKeys(
      q,
      page.map((o) => redeemKey(o.storeId, o.orderNo)),
    );
    for (const o of page) {
      const debited = deltas.get(redeemKey(o.storeId, o.orderNo)) === -o.redeemed;
      if (!debited || o.returned !== o.refundsReturned || o.returned > o.redeemed)
        bad.push({ orderId: o.id, redeemed: o.redeemed, returned: o.returned, refundsReturned: o.refundsReturned });
    }
  }
  for (let after = 0; bad.length < limit;) {
    const page = await returningRefundsAfter(q, after, PAGE);
    if (!page.length) break;
    after = page[page.length - 1].id;
    const deltas = await deltasOfKeys(
      q,
      page.map((r) => redeemBackKey(r.storeId, r.key)),
    );
    for (const r of page)
      if (deltas.get(redeemBackKey(r.storeId, r.key)) !== r.returned)
        bad.push({ refundId: r.id, returned: r.returned });
  }
  return bad.slice(0, limit);
}
