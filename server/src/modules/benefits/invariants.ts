import type { Q } from '../../db/database';
import { deltasOfKeys } from '../points/store-reads';
import { badWriteOffsIn, paidVouchersAfterIn, stockMismatchesIn } from './store-vouchers';
import { cancelRefundKey, redemptionDebitKey } from './vouchers';

const PAGE = 1000;

/** Stock never below 0, and stock taken = vouchers issued - cancelled. */
export const stockMismatches = (q: Q, limit: number) => stockMismatchesIn(q, limit);

/** A voucher is written off at most once, with where and when. */
export const badWriteOffs = (q: Q, limit: number) => badWriteOffsIn(q, limit);

/**
 * Every paid voucher has its points debit of the same points (and its refund when
 * cancelled). Walks paid vouchers a page at a time and asks the ledger for the
 * page's keys in one call; returns at most `limit` offenders.
 */
export async function paidVouchersWithoutLedger(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  const bad: Record<string, unknown>[] = [];
  for (let after = 0; bad.length < limit;) {
    const page = await paidVouchersAfterIn(q, after, PAGE);
    if (!page.length) break;
    after = page[page.length - 1].id;
    const keys = page.flatMap((v) => [
      redemptionDebitKey(v.memberId, v.requestKey),
      ...(v.status === 'cancelled' ? [cancelRefundKey(v.id)] : []),
    ]);
    const deltas = await deltasOfKeys(q, keys);
    for (const v of page) {
      const debited = deltas.get(redemptionDebitKey(v.memberId, v.requestKey)) === -v.costPoints;
      const refunded = v.status !== 'cancelled' || deltas.has(cancelRefundKey(v.id));
      if (!debited || !refunded) bad.push({ id: v.id, status: v.status });
    }
  }
  return bad.slice(0, limit);
}
