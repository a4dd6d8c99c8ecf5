import { createHash } from 'node:crypto';
import { expiresAt, lotRemainingAfterCredit, planDebit, validatePoints, type EntryType } from '@huiyuan/shared';
import {
  isDuplicateKey,
  placeholders as marks,
  RetryTransaction,
  type Database,
  type Q,
  type Step,
} from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';

/**
 * The points ledger. Every balance change is one append-only entry written in the
 * same transaction as the cached balance and the lots, idempotent on `key`:
 * - a replay with the same input returns the first result;
 * - the same key with different input is refused (IDEMPOTENCY_CONFLICT);
 * - a race on the key is lost with a duplicate-key error and answered by re-reading.
 * Balances change only through `balance = balance +/- ?` (debits guarded by
 * `balance >= ?`), never by writing a value computed in the application.
 */
export interface LedgerOp {
  key: string;
  memberId: number;
  points: number;
  type: EntryType;
  reason: string;
  ref?: string | null;
  storeId?: number | null;
  operatorId?: number | null;
  note?: string | null;
}

export interface LedgerResult {
  entryId: number;
  memberId: number;
  delta: number;
  balanceAfter: number;
  replayed: boolean;
}

/** A credit of a batch: as LedgerResult, without the entry id (not read back). */
export type BatchCredit = Omit<LedgerResult, 'entryId'>;

interface EntryRow {
  id: number;
  member_id: number;
  delta: number;
  balance_after: number;
  input_hash: string;
}

const MAX_KEY = 160;

export class Ledger {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly tz: string,
  ) {}

  credit(op: LedgerOp): Promise<LedgerResult> {
    return this.db.tx((q) => this.creditIn(q, op));
  }

  debit(op: LedgerOp): Promise<LedgerResult> {
    return this.db.tx((q) => this.debitIn(q, op));
  }

  /** Credit inside the caller's transaction (checkout, referral...). */
  async creditIn(q: Q, op: LedgerOp): Promise<LedgerResult> {
    this.check(op);
    const hash = inputHash(op, 1);
    const prior = await this.replay(q, op.key, hash);
    if (prior) return prior;
    const now = this.clock.now();
    const changed = await q.exec(
      'UPDATE points_accounts SET balance = balance + ?, updated_at = ? WHERE member_id = ?',
      [op.points, now.getTime(), op.memberId],
    );
    if (changed !== 1) throw new AppError('MEMBER_NOT_FOUND');
    const balanceAfter = await this.balanceOf(q, op.memberId);
    const entryId = await this.insertEntry(q, op, op.points, hash, balanceAfter, now);
    const remaining = lotRemainingAfterCredit(balanceAfter, op.points);
    const expiry = expiresAt(now, await this.settings.get('points.expiry'), this.tz);
    await q.exec(
      'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [op.memberId, entryId, op.points, remaining, expiry ? expiry.getTime() : null, now.getTime()],
    );
    return { entryId, memberId: op.memberId, delta: op.points, balanceAfter, replayed: false };
  }

  /**
   * Many credits to distinct members in one set-based pass (batch jobs, check-ins
   * written together): one replay check, one balance UPDATE, one read of the new
   * balances, one multi-row INSERT of entries and one INSERT ... SELECT of their
   * lots, instead of five statements per member. Same keys, hashes and lots as
   * creditIn, so replays and reconciliation cannot tell them apart.
   *
   * `keysAreNew`: the caller has already taken a natural key that every one of
   * these ledger keys depends on (a check-in's (member, day) row, in this
   * transaction), so the replay check is skipped and the entries are deferred to
   * the commit; a key found taken anyway means the ledger and that key disagree,
   * which fails the unit of work: an error, not a replay.
   * `alongside`: the caller's own writes, sent with the balance update in one round
   * trip; their errors (a duplicate key, say) reach the caller unchanged.
   */
  async creditBatchIn(
    q: Q,
    ops: LedgerOp[],
    opts: { keysAreNew?: boolean; alongside?: Step[] } = {},
  ): Promise<Map<string, BatchCredit>> {
    const out = new Map<string, BatchCredit>();
    if (!ops.length) return out;
    for (const op of ops) this.check(op);
    if (new Set(ops.map((o) => o.memberId)).size !== ops.length)
      throw new Error('creditBatchIn takes one credit per member');
    let fresh = ops;
    if (!opts.keysAreNew) {
      const seen = await q.all<{ idem_key: string }>(
        `SELECT idem_key FROM points_entries WHERE idem_key IN (${marks(ops.length)})`,
        ops.map((o) => o.key),
      );
      const done = new Set(seen.map((r) => r.idem_key));
      fresh = ops.filter((o) => !done.has(o.key));
      if (!fresh.length) {
        if (opts.alongside?.length) await q.script(opts.alongside);
        return out;
      }
    }
    const now = this.clock.now();
    const ids = fresh.map((o) => o.memberId);
    // One WHEN per fresh credit: the balance delta by member here, the lot's remaining by key below.
    const cases = fresh.map(() => 'WHEN ? THEN ?').join(' ');
    // Round trip 1: the caller's statements, the balance update, the new balances.
    const alongside = opts.alongside ?? [];
    const res = await q.script([
      ...alongside,
      [
        `UPDATE points_accounts SET balance = balance + CASE member_id ${cases} END, updated_at = ? WHERE member_id IN (${marks(ids.length)})`,
        [...fresh.flatMap((o) => [o.memberId, o.points]), now.getTime(), ...ids],
      ],
      [`SELECT member_id, balance FROM points_accounts WHERE member_id IN (${marks(ids.length)})`, ids],
    ]);
    const [updated, read] = res.slice(alongside.length);
    if (updated.affected !== fresh.length) throw new AppError('MEMBER_NOT_FOUND');
    const balances = new Map(read.rows.map((r) => [Number(r.member_id), Number(r.balance)]));
    // Then the entries, and their lots, which take their entry ids from the entries
    // just written; what each lot keeps after paying off a debt is still decided
    // here, by the shared rule.
    const expiry = expiresAt(now, await this.settings.get('points.expiry'), this.tz);
    const writes: Step[] = [
      [
        `INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES ${fresh.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        fresh.flatMap((o) => [
          o.memberId,
          o.points,
          o.type,
          o.reason,
          o.ref ?? null,
          o.key,
          inputHash(o, 1),
          balances.get(o.memberId)!,
          o.operatorId ?? null,
          o.storeId ?? null,
          o.note ?? null,
          now.getTime(),
        ]),
      ],
      [
        `INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at)
        SELECT member_id, id, delta, CASE idem_key ${cases} END, ?, ? FROM points_entries WHERE idem_key IN (${marks(fresh.length)})`,
        [
          ...fresh.flatMap((o) => [o.key, lotRemainingAfterCredit(balances.get(o.memberId)!, o.points)]),
          expiry ? expiry.getTime() : null,
          now.getTime(),
          ...fresh.map((o) => o.key),
        ],
      ],
    ];
    if (opts.keysAreNew) {
      // Nothing to handle here: a taken key would mean the ledger and the caller's
      // natural key disagree, an error for the whole unit. They go with the commit.
      await q.defer(writes);
    } else {
      try {
        await q.script(writes);
      } catch (err) {
        if (isDuplicateKey(err)) throw new RetryTransaction('a batch key was taken meanwhile');
        throw err;
      }
    }
    for (const o of fresh)
      out.set(o.key, {
        memberId: o.memberId,
        delta: o.points,
        balanceAfter: balances.get(o.memberId)!,
        replayed: false,
      });
    return out;
  }

  /** Debit inside the caller's transaction: spends the earliest-expiring lots first; never below zero. */
  debitIn(q: Q, op: LedgerOp): Promise<LedgerResult> {
    return this.takeIn(q, op, false);
  }

  /**
   * Claw-back (refund of a purchase): takes the points from the member's lots as far
   * as they go and lets the balance go below zero for the rest. The negative part
   * is a debt that later credits pay off first (see lotRemainingAfterCredit).
   */
  reverseIn(q: Q, op: LedgerOp): Promise<LedgerResult> {
    return this.takeIn(q, { ...op, type: 'reversal' }, true);
  }

  private async takeIn(q: Q, op: LedgerOp, allowDebt: boolean): Promise<LedgerResult> {
    this.check(op);
    const hash = inputHash(op, -1);
    const prior = await this.replay(q, op.key, hash);
    if (prior) return prior;
    const now = this.clock.now();
    // Take the member's row lock first: every lot change of a member happens under it.
    await this.lockAccount(q, op.memberId);
    await this.expireDueLotsIn(q, op.memberId, now);
    const changed = allowDebt
      ? await q.exec('UPDATE points_accounts SET balance = balance - ?, updated_at = ? WHERE member_id = ?', [
          op.points,
          now.getTime(),
          op.memberId,
        ])
      : await q.exec(
          'UPDATE points_accounts SET balance = balance - ?, updated_at = ? WHERE member_id = ? AND balance >= ?',
          [op.points, now.getTime(), op.memberId, op.points],
        );
    if (changed !== 1)
      throw new AppError('INSUFFICIENT_POINTS', undefined, {
        needed: op.points,
        balance: await this.balanceOf(q, op.memberId),
      });
    const balanceAfter = await this.balanceOf(q, op.memberId);
    const entryId = await this.insertEntry(q, op, -op.points, hash, balanceAfter, now);
    // A debit's lots must cover it all; a claw-back takes what is there and leaves the rest as debt.
    await this.spendIn(q, entryId, op.memberId, op.points, allowDebt ? 0 : op.points, now);
    return { entryId, memberId: op.memberId, delta: -op.points, balanceAfter, replayed: false };
  }

  /**
   * Takes `take` points from the member's lots, earliest expiry first; `wanted`
   * must be covered in full (a debit) or only as far as the lots go (a claw-back).
   */
  private async spendIn(
    q: Q,
    entryId: number,
    memberId: number,
    take: number,
    wanted: number,
    now: Date,
  ): Promise<void> {
    const lots = await q.all<{ id: number; remaining: number; expires_at: number | null; created_at: number }>(
      'SELECT id, remaining, expires_at, created_at FROM points_lots WHERE member_id = ? AND remaining > 0',
      [memberId],
    );
    const views = lots.map((l) => ({
      id: String(l.id),
      remaining: Number(l.remaining),
      expiresAt: l.expires_at === null ? null : new Date(Number(l.expires_at)),
      createdAt: new Date(Number(l.created_at)),
    }));
    const points = Math.min(
      take,
      views.reduce((sum, l) => sum + l.remaining, 0),
    );
    if (points < wanted)
      throw new Error(`ledger lots do not cover ${wanted} points of member ${memberId}: the ledger is out of step`);
    if (points === 0) return;
    const plan = planDebit(views, points, now);
    if (!plan) throw new Error(`ledger lots do not cover ${points} points of member ${memberId}`);
    for (const step of plan) await this.takeFromLot(q, entryId, memberId, Number(step.lotId), step.take);
  }

  /**
   * Expires a member's lots whose time has come, one ledger entry per lot (key
   * `expire:lot:<id>`, so the nightly job and a lazy expiry never both write one).
   */
  async expireDueLotsIn(q: Q, memberId: number, now: Date): Promise<number> {
    const due = await q.all<{ id: number; remaining: number }>(
      'SELECT id, remaining FROM points_lots WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?',
      [memberId, now.getTime()],
    );
    let total = 0;
    for (const lot of due) {
      const points = Number(lot.remaining);
      const op: LedgerOp = {
        key: `expire:lot:${lot.id}`,
        memberId,
        points,
        type: 'expire',
        reason: 'points_expired',
        ref: `lot:${lot.id}`,
      };
      if (await q.one('SELECT id FROM points_entries WHERE idem_key = ?', [op.key])) continue;
      await this.lockAccount(q, memberId);
      const changed = await q.exec(
        'UPDATE points_accounts SET balance = balance - ?, updated_at = ? WHERE member_id = ? AND balance >= ?',
        [points, now.getTime(), memberId, points],
      );
      if (changed !== 1) throw new Error(`expiring lot ${lot.id} would drive member ${memberId} below zero`);
      const balanceAfter = await this.balanceOf(q, memberId);
      const entryId = await this.insertEntry(q, op, -points, inputHash(op, -1), balanceAfter, now);
      await this.takeFromLot(q, entryId, memberId, Number(lot.id), points);
      total += points;
    }
    return total;
  }

  private async takeFromLot(q: Q, entryId: number, memberId: number, lotId: number, points: number): Promise<void> {
    const ok = await q.exec('UPDATE points_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
      points,
      lotId,
      points,
    ]);
    if (ok !== 1) throw new RetryTransaction(`lot ${lotId} changed under us`);
    await q.exec('INSERT INTO points_allocations (entry_id, lot_id, member_id, points) VALUES (?, ?, ?, ?)', [
      entryId,
      lotId,
      memberId,
      points,
    ]);
  }

  private async lockAccount(q: Q, memberId: number): Promise<void> {
    // SQLite runs one transaction at a time, so only MySQL needs (and supports) the row lock.
    const row = await q.one(
      `SELECT member_id FROM points_accounts WHERE member_id = ?${q.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
      [memberId],
    );
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
  }

  private async balanceOf(q: Q, memberId: number): Promise<number> {
    const row = await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]);
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    return Number(row.balance);
  }

  private async replay(q: Q, key: string, hash: string): Promise<LedgerResult | null> {
    const row = await q.one<EntryRow>(
      'SELECT id, member_id, delta, balance_after, input_hash FROM points_entries WHERE idem_key = ?',
      [key],
    );
    if (!row) return null;
    if (row.input_hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    return {
      entryId: Number(row.id),
      memberId: Number(row.member_id),
      delta: Number(row.delta),
      balanceAfter: Number(row.balance_after),
      replayed: true,
    };
  }

  private async insertEntry(
    q: Q,
    op: LedgerOp,
    delta: number,
    hash: string,
    balanceAfter: number,
    now: Date,
  ): Promise<number> {
    try {
      return await q.insert(
        `INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          op.memberId,
          delta,
          op.type,
          op.reason,
          op.ref ?? null,
          op.key,
          hash,
          balanceAfter,
          op.operatorId ?? null,
          op.storeId ?? null,
          op.note ?? null,
          now.getTime(),
        ],
      );
    } catch (err) {
      // Someone committed this key first: run again, and the replay check answers.
      if (isDuplicateKey(err)) throw new RetryTransaction(`idempotency key ${op.key} taken`);
      throw err;
    }
  }

  private check(op: LedgerOp): void {
    const bad = validatePoints(op.points);
    if (bad) throw new AppError('VALIDATION_FAILED', bad, { field: 'points' });
    if (!op.key || op.key.length > MAX_KEY)
      throw new AppError('VALIDATION_FAILED', 'idempotency key must be 1-160 characters');
  }
}

/** What makes two requests "the same": everything but who sent it and free-text notes. */
function inputHash(op: LedgerOp, sign: 1 | -1): string {
  const canonical = JSON.stringify([
    op.memberId,
    sign * op.points,
    op.type,
    op.reason,
    op.ref ?? null,
    op.storeId ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
