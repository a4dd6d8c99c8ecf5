import type { TestServer } from './harness';

export interface AccountCheck {
  memberId: number;
  balance: number;
  ledger: number;
  lots: number;
}

/**
 * Invariant 1 of the design notes, straight from the tables: for every account,
 * balance = SUM(points_entries.delta) = SUM(remaining of lots not expired at the
 * server clock's now), and balance >= 0. Returns the accounts that break it.
 * Lots past their expiry that the sweep has not taken yet count as a violation:
 * tests that move the clock past an expiry sweep before they end.
 */
export async function invariant1Violations(t: TestServer, memberIds?: number[]): Promise<AccountCheck[]> {
  const now = t.clock.now().getTime();
  const filter = memberIds?.length ? ` WHERE a.member_id IN (${memberIds.map(() => '?').join(', ')})` : '';
  const rows = await t.ctx.db.read((q) =>
    q.all<{ member_id: unknown; balance: unknown; ledger: unknown; lots: unknown }>(
      `SELECT a.member_id, a.balance,
            (SELECT COALESCE(SUM(e.delta), 0) FROM points_entries e WHERE e.member_id = a.member_id) AS ledger,
            (SELECT COALESCE(SUM(l.remaining), 0) FROM points_lots l
              WHERE l.member_id = a.member_id AND (l.expires_at IS NULL OR l.expires_at > ?)) AS lots
       FROM points_accounts a${filter}`,
      [now, ...(memberIds ?? [])],
    ),
  );
  return rows
    .map((r) => ({
      memberId: Number(r.member_id),
      balance: Number(r.balance),
      ledger: Number(r.ledger),
      lots: Number(r.lots),
    }))
    .filter((r) => r.balance < 0 || r.balance !== r.ledger || r.balance !== r.lots);
}

/** Number of rows of a COUNT(*) AS n (or any single numeric column named n). */
export async function scalar(t: TestServer, sql: string, params: unknown[] = []): Promise<number> {
  const row = await t.ctx.db.read((q) => q.one<{ n: unknown }>(sql, params));
  return Number(row?.n ?? 0);
}

/** Sweeps every member's overdue lots at the server clock (what the nightly job does). */
export async function sweepExpired(t: TestServer, memberIds: number[]): Promise<number> {
  let total = 0;
  for (const id of memberIds) total += await t.ctx.db.tx((q) => t.ctx.ledger.expireDueLotsIn(q, id, t.clock.now()));
  return total;
}
