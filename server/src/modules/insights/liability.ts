import type { Q } from '../../db/database';
import { closedIdsAfter } from '../members/store-activity';
import { balancesOf } from '../points/store';
import { outstandingPoints } from '../points/store-reads';

/**
 * The liability in points: what members hold now (positive balances; debts do
 * not lower it), without closed accounts. A closed (deleted) account keeps its
 * ledger under its id, but nobody can spend those points any more: they count as
 * released, and are reported apart (`closedAccounts`).
 */
export async function liabilityPoints(q: Q): Promise<{ outstanding: number; closedAccounts: number }> {
  const closedAccounts = await closedAccountPoints(q);
  return { outstanding: (await outstandingPoints(q)) - closedAccounts, closedAccounts };
}

/** Positive balances left on closed accounts, walked in chunks of ids (few: closing is rare). */
async function closedAccountPoints(q: Q): Promise<number> {
  let sum = 0;
  for (let after = 0; ;) {
    const ids = await closedIdsAfter(q, after, 1000);
    if (!ids.length) return sum;
    for (const b of (await balancesOf(q, ids)).values()) if (b > 0) sum += b;
    after = ids[ids.length - 1];
  }
}
