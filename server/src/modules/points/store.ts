import { placeholders as marks, type Q, type Step } from '../../db/database';
import { forUpdate, insertIgnore } from '../../db/dialect';

/**
 * The ledger's writes and the reads they depend on: the only place, with
 * store-reads.ts and store-checks.ts, where points_accounts, points_entries,
 * points_lots and points_allocations are named. Plain functions taking the unit of
 * work first; statements a caller batches (`q.script` / `q.defer`) come as step
 * builders with a decoder for their rows.
 */

/** An entry as written; the ledger decides every field (see ledger.ts). */
export interface NewEntry {
  memberId: number;
  delta: number;
  type: string;
  reason: string;
  ref: string | null;
  key: string;
  inputHash: string;
  balanceAfter: number;
  operatorId: number | null;
  storeId: number | null;
  note: string | null;
  createdAt: number;
}

/** What a replay needs of an entry written before. */
export interface KeyedEntry {
  id: number;
  memberId: number;
  delta: number;
  balanceAfter: number;
  inputHash: string;
}

/** A lot that can still be spent, as planDebit sees it. */
export interface LotRow {
  id: number;
  remaining: number;
  expiresAt: number | null;
  createdAt: number;
}

// Accounts ---------------------------------------------------------------------

/** Opens a member's account at 0 (a second call for the same member does nothing). */
export async function openAccount(q: Q, memberId: number, at: number): Promise<void> {
  await q.exec(`${insertIgnore(q.dialect)} INTO points_accounts (member_id, balance, updated_at) VALUES (?, 0, ?)`, [
    memberId,
    at,
  ]);
}

/** The cached balance; null when the member has no account. */
export async function balanceOf(q: Q, memberId: number): Promise<number | null> {
  const row = await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]);
  return row ? Number(row.balance) : null;
}

/** The balances of several members in one statement: a step, for a caller's script. */
export function balancesStep(memberIds: number[]): Step {
  return [`SELECT member_id, balance FROM points_accounts WHERE member_id IN (${marks(memberIds.length)})`, memberIds];
}

/** Decodes the rows of balancesStep: member id -> balance (members without an account are absent). */
export function decodeBalances(rows: Record<string, unknown>[]): Map<number, number> {
  return new Map(rows.map((r) => [Number(r.member_id), Number(r.balance)]));
}

/** The balances of several members in one statement (absent: no account). */
export async function balancesOf(q: Q, memberIds: number[]): Promise<Map<number, number>> {
  if (!memberIds.length) return new Map();
  const [sql, params] = balancesStep(memberIds);
  return decodeBalances(await q.all(sql, params));
}

/** Takes the account's row lock until the commit (every lot change of a member happens under it); false: no account. */
export async function lockAccount(q: Q, memberId: number): Promise<boolean> {
  const row = await q.one(`SELECT member_id FROM points_accounts WHERE member_id = ?${forUpdate(q.dialect)}`, [
    memberId,
  ]);
  return row !== undefined;
}

/**
 * Adds each credit's points to its member's balance in one statement (one member
 * once per list); affected rows = accounts found.
 */
export function addToBalancesStep(credits: { memberId: number; points: number }[], at: number): Step {
  const ids = credits.map((c) => c.memberId);
  return [
    `UPDATE points_accounts SET balance = balance + CASE member_id ${credits.map(() => 'WHEN ? THEN ?').join(' ')} END, updated_at = ? WHERE member_id IN (${marks(ids.length)})`,
    [...credits.flatMap((c) => [c.memberId, c.points]), at, ...ids],
  ];
}

/**
 * Takes points off a balance; unless `allowDebt`, only when the balance covers
 * them (the guard is the statement itself). Returns 1 when taken, 0 when not.
 */
export async function takeFromBalance(
  q: Q,
  memberId: number,
  points: number,
  at: number,
  allowDebt: boolean,
): Promise<number> {
  return allowDebt
    ? q.exec('UPDATE points_accounts SET balance = balance - ?, updated_at = ? WHERE member_id = ?', [
        points,
        at,
        memberId,
      ])
    : q.exec('UPDATE points_accounts SET balance = balance - ?, updated_at = ? WHERE member_id = ? AND balance >= ?', [
        points,
        at,
        memberId,
        points,
      ]);
}

// Entries ----------------------------------------------------------------------

/** The entry written under an idempotency key, if any. */
export async function entryByKey(q: Q, key: string): Promise<KeyedEntry | undefined> {
  const row = await q.one<{ id: number; member_id: number; delta: number; balance_after: number; input_hash: string }>(
    'SELECT id, member_id, delta, balance_after, input_hash FROM points_entries WHERE idem_key = ?',
    [key],
  );
  return row
    ? {
        id: Number(row.id),
        memberId: Number(row.member_id),
        delta: Number(row.delta),
        balanceAfter: Number(row.balance_after),
        inputHash: row.input_hash,
      }
    : undefined;
}

/** True when an entry holds this key. */
export async function keyTaken(q: Q, key: string): Promise<boolean> {
  return (await q.one('SELECT id FROM points_entries WHERE idem_key = ?', [key])) !== undefined;
}

/** Which of these idempotency keys entries already hold, in one statement. */
export async function takenKeys(q: Q, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.all<{ idem_key: string }>(
    `SELECT idem_key FROM points_entries WHERE idem_key IN (${marks(keys.length)})`,
    keys,
  );
  return new Set(rows.map((r) => r.idem_key));
}

/** One multi-row INSERT of entries (a duplicate key fails it whole). */
export function insertEntriesStep(entries: NewEntry[]): Step {
  return [
    `INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    entries.flatMap((e) => [
      e.memberId,
      e.delta,
      e.type,
      e.reason,
      e.ref,
      e.key,
      e.inputHash,
      e.balanceAfter,
      e.operatorId,
      e.storeId,
      e.note,
      e.createdAt,
    ]),
  ];
}

/**
 * One entry whose balance_after is the member's balance as it stands in this unit
 * of work (sent right after the balance update, in the same script): no read of
 * the balance between the two. Writes nothing when the member has no account.
 */
export function insertEntryAtBalanceStep(e: NewEntry): Step {
  return [
    `INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at)
       SELECT member_id, ?, ?, ?, ?, ?, ?, balance, ?, ?, ?, ? FROM points_accounts WHERE member_id = ?`,
    [e.delta, e.type, e.reason, e.ref, e.key, e.inputHash, e.operatorId, e.storeId, e.note, e.createdAt, e.memberId],
  ];
}

/** The id and balance after of the entry with this key (a step, for the script that wrote it). */
export function entryOfKeyStep(key: string): Step {
  return ['SELECT id, balance_after FROM points_entries WHERE idem_key = ?', [key]];
}

/** Writes one entry and returns its id. */
export async function insertEntry(q: Q, entry: NewEntry): Promise<number> {
  const [sql, params] = insertEntriesStep([entry]);
  return q.insert(sql, params);
}

// Lots and allocations -----------------------------------------------------------

/**
 * The lots of credit entries just written (in this unit of work), found by their
 * keys: each takes its entry's id and points, the remainder given for its key
 * (what is left after paying off a debt) and one expiry.
 */
export function insertLotsOfEntriesStep(
  lots: { key: string; remaining: number }[],
  expiresAt: number | null,
  createdAt: number,
): Step {
  return [
    `INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at)
        SELECT member_id, id, delta, CASE idem_key ${lots.map(() => 'WHEN ? THEN ?').join(' ')} END, ?, ? FROM points_entries WHERE idem_key IN (${marks(lots.length)})`,
    [...lots.flatMap((l) => [l.key, l.remaining]), expiresAt, createdAt, ...lots.map((l) => l.key)],
  ];
}

/** A member's lots with points left, in no particular order (planDebit orders them). */
export async function spendableLots(q: Q, memberId: number): Promise<LotRow[]> {
  const rows = await q.all<{ id: number; remaining: number; expires_at: number | null; created_at: number }>(
    'SELECT id, remaining, expires_at, created_at FROM points_lots WHERE member_id = ? AND remaining > 0',
    [memberId],
  );
  return rows.map((l) => ({
    id: Number(l.id),
    remaining: Number(l.remaining),
    expiresAt: l.expires_at === null ? null : Number(l.expires_at),
    createdAt: Number(l.created_at),
  }));
}

/** A member's lots with points left whose expiry is at or before `at`. */
export async function dueLots(q: Q, memberId: number, at: number): Promise<{ id: number; remaining: number }[]> {
  const rows = await q.all<{ id: number; remaining: number }>(
    'SELECT id, remaining FROM points_lots WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?',
    [memberId, at],
  );
  return rows.map((r) => ({ id: Number(r.id), remaining: Number(r.remaining) }));
}

/** Takes points from a lot if it still has them; returns 1 when taken, 0 when the lot changed. */
export async function takeFromLot(q: Q, lotId: number, points: number): Promise<number> {
  return q.exec('UPDATE points_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
    points,
    lotId,
    points,
  ]);
}

/** Records that an entry took `points` from a lot. */
export async function insertAllocation(
  q: Q,
  a: { entryId: number; lotId: number; memberId: number; points: number },
): Promise<void> {
  await q.exec('INSERT INTO points_allocations (entry_id, lot_id, member_id, points) VALUES (?, ?, ?, ?)', [
    a.entryId,
    a.lotId,
    a.memberId,
    a.points,
  ]);
}

/** When each of the given entries was written (epoch ms), by id: checks that age out with another table's retention. */
export async function entryTimes(q: Q, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await q.all<{ id: number; created_at: number }>(
    `SELECT id, created_at FROM points_entries WHERE id IN (${marks(ids.length)})`,
    ids,
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.created_at)]));
}
