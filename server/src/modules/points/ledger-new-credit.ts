import { AppError } from '../../core/errors';
import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import { inputHash, newEntry, planCredits, type LedgerOp } from './ledger-rules';
import type { LedgerResult } from './ledger';
import * as store from './store';

/**
 * A credit whose key is new (the caller claimed its natural key in this unit of
 * work), in one round trip: the balance update, the entry taking the updated
 * balance as its balance after, and the entry read back. The lot goes with the
 * next round trip, its remainder planned from that balance (a debt is paid off
 * first), exactly as `Ledger.creditIn` plans it. A taken key reruns the unit of work.
 */
export async function newCreditIn(q: Q, op: LedgerOp, now: Date, expiry: Date | null): Promise<LedgerResult> {
  const entry = newEntry(op, op.points, inputHash(op, 1), 0, now);
  let res;
  try {
    res = await q.script([
      store.addToBalancesStep([{ memberId: op.memberId, points: op.points }], now.getTime()),
      store.insertEntryAtBalanceStep(entry),
      store.entryOfKeyStep(op.key),
    ]);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RetryTransaction(`idempotency key ${op.key} taken`);
    throw err;
  }
  if (res[0].affected !== 1) throw new AppError('MEMBER_NOT_FOUND');
  const row = res[2].rows[0] as { id: number; balance_after: number };
  const balanceAfter = Number(row.balance_after);
  const [planned] = planCredits([op], new Map([[op.memberId, balanceAfter]]), now);
  await q.defer([
    store.insertLotsOfEntriesStep(
      [{ key: op.key, remaining: planned.lotRemaining }],
      expiry ? expiry.getTime() : null,
      now.getTime(),
    ),
  ]);
  return { entryId: Number(row.id), memberId: op.memberId, delta: op.points, balanceAfter, replayed: false };
}
