import type { TierRules } from '@huiyuan/shared';
import { placeholders, type Database, type Q } from '../../db/database';
import { tiersBelowEarned } from '../tiers/invariants';
import { storedValue } from '../settings/settings';

/**
 * The invariants of the design notes as set-based SQL checks. Each check returns
 * the offending rows (empty = holds). Used by `npm run reconcile` and by tests
 * after every concurrency run. Later capabilities register their own checks here.
 */
export interface Violation {
  invariant: string;
  detail: Record<string, unknown>;
}

export interface InvariantCheck {
  name: string;
  /** Rows that break the invariant; at most `limit` of them. */
  run(q: Q, limit: number): Promise<Record<string, unknown>[]>;
}

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
  {
    name: 'ledger: every member has exactly one account',
    run: (q, limit) =>
      q.all(
        `SELECT m.id AS member_id FROM members m LEFT JOIN points_accounts a ON a.member_id = m.id WHERE a.member_id IS NULL LIMIT ${limit}`,
      ),
  },
];

const stockChecks: InvariantCheck[] = [
  {
    name: 'stock: never below 0, and stock taken = vouchers issued - cancelled',
    run: (q, limit) =>
      q.all(
        `SELECT b.id, b.stock_total, b.stock_left, COALESCE(v.n, 0) AS live_vouchers
         FROM benefits b LEFT JOIN (SELECT benefit_id, COUNT(*) AS n FROM vouchers WHERE status <> 'cancelled' GROUP BY benefit_id) v ON v.benefit_id = b.id
        WHERE b.stock_left < 0 OR b.stock_total - b.stock_left <> COALESCE(v.n, 0)
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'vouchers: written off at most once, with where and when',
    run: (q, limit) =>
      q.all(
        `SELECT id, status, redeemed_at, redeemed_store_id FROM vouchers
        WHERE (status = 'used' AND (redeemed_at IS NULL OR redeemed_store_id IS NULL)) OR (status <> 'used' AND redeemed_at IS NOT NULL)
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'vouchers: every paid voucher has its points debit (and its refund when cancelled)',
    run: (q, limit) =>
      q.all(
        `SELECT v.id, v.status FROM vouchers v
        WHERE v.cost_points > 0 AND (
          NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.idem_key = ${q.dialect === 'mysql' ? "CONCAT('redeem:', v.member_id, ':', v.request_key)" : "'redeem:' || v.member_id || ':' || v.request_key"} AND e.delta = -v.cost_points)
          OR (v.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.idem_key = ${q.dialect === 'mysql' ? "CONCAT('cancel:voucher:', v.id)" : "'cancel:voucher:' || v.id"})))
        LIMIT ${limit}`,
      ),
  },
];

const causeChecks: InvariantCheck[] = [
  {
    name: 'outbox: every birthday gift and referral reward has its notification',
    run: (q, limit) =>
      q.all(
        `SELECT e.id, e.idem_key FROM points_entries e
        WHERE (e.reason = 'birthday_gift' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = e.idem_key))
           OR (e.reason = 'referral_inviter' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = ${q.dialect === 'mysql' ? "CONCAT('referral:', SUBSTRING_INDEX(SUBSTRING_INDEX(e.idem_key, ':', 2), ':', -1))" : "'referral:' || substr(e.idem_key, 10, instr(substr(e.idem_key, 10), ':') - 1)"}))
        LIMIT ${limit}`,
      ),
  },
  {
    name: 'outbox: every tier change has its notification',
    run: (q, limit) =>
      q.all(
        `SELECT t.member_id, t.tier_code FROM member_tiers t JOIN members m ON m.id = t.member_id
        WHERE t.since_at > m.created_at AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.member_id = t.member_id AND o.kind = 'tier_changed')
        LIMIT ${limit}`,
      ),
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

const registry: InvariantCheck[] = [...pointsChecks, ...stockChecks, ...causeChecks, ...tierChecks];

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
