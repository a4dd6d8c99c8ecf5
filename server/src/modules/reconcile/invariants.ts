import type { TierRules } from '@huiyuan/shared';
import { placeholders, type Database, type Q } from '../../db/database';
import { tiersBelowEarned } from '../tiers/invariants';
import { badWriteOffs, paidVouchersWithoutLedger, stockMismatches } from '../benefits/invariants';
import { storedValue } from '../settings/settings';
import { memberChecks } from '../members/invariants';
import { notificationInvariants } from '../notifications/invariants';
import type { InvariantCheck, Violation } from './check';

/**
 * The invariants of the design notes as set-based SQL checks. Each check returns
 * the offending rows (empty = holds). Used by `npm run reconcile` and by tests
 * after every concurrency run. Later capabilities register their own checks here.
 */
export type { InvariantCheck, Violation } from './check';

const pointsChecks: InvariantCheck[] = [
  {
    name: 'ledger: cached balance = sum of entries',
    run: (q, limit) =>
      q.all(
        `SELECT a.member_id, a.balance, COALESCE(s.total, 0) AS ledger_total
         FROM points_accounts a
         LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM points_entries GROUP BY member_id) s ON s.member_id = a.member_id
        WHERE a.balance <> COALESCE(s.total, 0)
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'ledger: sum of lot remainders = balance (0 when in debt)',
    run: (q, limit) =>
      q.all(
        `SELECT a.member_id, a.balance, COALESCE(l.remaining, 0) AS lots_remaining
         FROM points_accounts a
         LEFT JOIN (SELECT member_id, SUM(remaining) AS remaining FROM points_lots GROUP BY member_id) l ON l.member_id = a.member_id
        WHERE COALESCE(l.remaining, 0) <> CASE WHEN a.balance > 0 THEN a.balance ELSE 0 END
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'ledger: lot remainder within 0..earned',
    run: (q, limit) =>
      q.all(
        `SELECT id, member_id, earned, remaining FROM points_lots WHERE remaining < 0 OR remaining > earned LIMIT ${limit}`,
      ),
  },
  {
    name: 'ledger: allocations never exceed what a lot earned',
    run: (q, limit) =>
      q.all(
        `SELECT l.id, l.earned, l.remaining, s.taken
         FROM points_lots l JOIN (SELECT lot_id, SUM(points) AS taken FROM points_allocations GROUP BY lot_id) s ON s.lot_id = l.id
        WHERE s.taken > l.earned - l.remaining
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'ledger: a negative balance only with a recorded claw-back',
    run: (q, limit) =>
      q.all(
        `SELECT a.member_id, a.balance FROM points_accounts a
        WHERE a.balance < 0 AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.member_id = a.member_id AND e.type = 'reversal')
        LIMIT ${limit}`,
      ),
  },
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
