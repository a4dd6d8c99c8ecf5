import type { TierRules } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { pointsInvariants } from '../points/invariants';
import { memberChecks } from '../members/invariants';
import { badWriteOffs, paidVouchersWithoutLedger, stockMismatches } from '../benefits/invariants';
import { notificationInvariants } from '../notifications/invariants';
import { tiersBelowEarned } from '../tiers/invariants';
import { redeemedOrdersOffLedger } from '../checkout/invariants';
import { storedValue } from '../settings/settings';
import type { InvariantCheck, Violation } from './check';

export type { InvariantCheck, Violation } from './check';

/**
 * The invariants (rules the stored data must always satisfy: balance = sum of
 * ledger entries = points left in unexpired lots, stock taken = vouchers issued,
 * a stored tier matches its growth, every cause has its notification, ...), each
 * checked by the module that owns its tables; this file only lists them in a fixed order (ledger first, so a broken
 * balance is reported before what follows from it) and runs them. Used by
 * `npm run reconcile` and by tests after every concurrency run.
 */
const registry: InvariantCheck[] = [
  ...pointsInvariants,
  ...memberChecks,
  { name: 'stock: never below 0, and stock taken = vouchers issued - cancelled', run: stockMismatches },
  { name: 'vouchers: written off at most once, with where and when', run: badWriteOffs },
  {
    name: 'vouchers: every paid voucher has its points debit (and its refund when cancelled)',
    run: paidVouchersWithoutLedger,
  },
  {
    name: 'checkout: points paid at tills debited once, given back by refunds at most once and in full',
    run: redeemedOrdersOffLedger,
  },
  ...notificationInvariants,
  {
    // Upgrades happen at once and downgrades only at evaluation: checked with the rules in force.
    name: 'tiers: stored tier never below the tier its growth earns',
    async run(q, limit) {
      const rules: TierRules = await storedValue(q, 'tiers.rules');
      return tiersBelowEarned(q, rules, limit);
    },
  },
];

/** Lets a module add its checks when it loads (check-in does); a name is registered once. */
export function registerInvariant(check: InvariantCheck): void {
  if (!registry.some((c) => c.name === check.name)) registry.push(check);
}

/** The checks that can run for a set of members (the incremental pass). */
export function memberScopedChecks(): InvariantCheck[] {
  return registry.filter((c) => c.runFor);
}

export function invariantNames(): string[] {
  return registry.map((c) => c.name);
}

/** Every check on one read connection; at most `limitPerCheck` violations each. */
export async function checkInvariants(db: Database, limitPerCheck = 20): Promise<Violation[]> {
  return db.read(async (q) => {
    const out: Violation[] = [];
    for (const check of registry) {
      const rows = await check.run(q, limitPerCheck);
      for (const detail of rows) out.push({ invariant: check.name, detail });
    }
    return out;
  });
}
