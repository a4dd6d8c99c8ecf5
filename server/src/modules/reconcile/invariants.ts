import type { TierRules } from '@huiyuan/shared';
import { placeholders, type Database, type Q } from '../../db/database';
import { tiersBelowEarned } from '../tiers/invariants';
import { badWriteOffs, paidVouchersWithoutLedger, stockMismatches } from '../benefits/invariants';
import { storedValue } from '../settings/settings';
import { memberChecks } from '../members/invariants';
import { notificationInvariants } from '../notifications/invariants';
import { pointsInvariants } from '../points/invariants';
import type { InvariantCheck, Violation } from './check';

/**
 * The invariants of the design notes as set-based SQL checks. Each check returns
 * the offending rows (empty = holds). Used by `npm run reconcile` and by tests
 * after every concurrency run. Later capabilities register their own checks here.
 */
export type { InvariantCheck, Violation } from './check';

const pointsChecks: InvariantCheck[] = [
  ...pointsInvariants,
  ...memberChecks,
];

const stockChecks: InvariantCheck[] = [
  {
    name: 'stock: never below 0, and stock taken = vouchers issued - cancelled',
    run: stockMismatches,
  },
  {
    name: 'vouchers: written off at most once, with where and when',
    run: badWriteOffs,
  },
  {
    name: 'vouchers: every paid voucher has its points debit (and its refund when cancelled)',
    run: paidVouchersWithoutLedger,
  },
];

/**
 * Tiers: upgrades happen at once and downgrades only at evaluation, so a stored
 * tier is never below the tier its growth earns in the window that ends at the
 * member's last growth or evaluation (whichever is later). Checked per chunk of
 * members with the configured rules.
 */
const tierChecks: InvariantCheck[] = [
  {
    name: 'tiers: stored tier never below the tier its growth earns',
    async run(q, limit) {
      const rules: TierRules = await storedValue(q, 'tiers.rules');
      return tiersBelowEarned(q, rules, limit);
    },
  },
];

const registry: InvariantCheck[] = [...pointsChecks, ...stockChecks, ...notificationInvariants, ...tierChecks];

/** Lets a capability add its invariants (stock vs vouchers, tiers, outbox...). */
export function registerInvariant(check: InvariantCheck): void {
  if (!registry.some((c) => c.name === check.name)) registry.push(check);
}

export function invariantNames(): string[] {
  return registry.map((c) => c.name);
}

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
