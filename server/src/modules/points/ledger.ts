import { expiresAt, planDebit } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q, type Step } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import * as store from './store';
import { newCreditIn } from './ledger-new-credit';
import { checkOp, inputHash, newEntry, planCredits, type LedgerOp, type PlannedCredit } from './ledger-rules';

export type { LedgerOp } from './ledger-rules';
export { planCredits } from './ledger-rules';

export interface LedgerResult {
  entryId: number;
  memberId: number;
  delta: number;
  balanceAfter: number;
  replayed: boolean;
}

/** A credit of a batch: as LedgerResult, without the entry id (not read back). */
export type BatchCredit = Omit<LedgerResult, 'entryId'>;

/**
 * The points ledger. Every balance change is one append-only entry written in the
 * same transaction as the cached balance and the lots, idempotent on `key`:
 * - a replay with the same input returns the first result;
 * - the same key with different input is refused (IDEMPOTENCY_CONFLICT);
 * - a race on the key is lost with a duplicate-key error and answered by re-reading.
 * Balances change only through `balance = balance +/- ?` (debits guarded by
 * `balance >= ?`), never by writing a value computed in the application.
 */
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

  /**
   * Credit inside the caller's transaction (checkout, referral...): the batch's
   * rule for one credit, with its replay answered and its entry id read back.
   * `keyIsNew`: the caller's own natural key, claimed in this unit of work, makes
   * the ledger key new (a checkout's order): no replay read; a taken key fails the
   * unit on the entry's unique key, as in `creditBatchIn`.
   */
  async creditIn(q: Q, op: LedgerOp, opts: { keyIsNew?: boolean } = {}): Promise<LedgerResult> {
    checkOp(op);
    if (opts.keyIsNew) {
      const now = this.clock.now();
      return newCreditIn(q, op, now, expiresAt(now, await this.settings.get('points.expiry'), this.tz));
    }
    const prior = await this.replay(q, op.key, inputHash(op, 1));
    if (prior) return prior;
    const { planned, lots } = await this.addCredits(q, [op], []);
    const entryId = await this.insertEntry(q, planned[0].entry);
    // The lot reads its entry by key: nothing needs its result, so it rides in the next round trip.
    await q.defer([lots]);
    return {
      entryId,
      memberId: op.memberId,
      delta: op.points,
      balanceAfter: planned[0].entry.balanceAfter,
      replayed: false,
    };
  }

  /**
   * Many credits to distinct members in one set-based pass (batch jobs, check-ins
   * written together): one replay check, one balance UPDATE, one read of the new
   * balances, one multi-row INSERT of entries and one INSERT ... SELECT of their
   * lots, instead of five statements per member. Same rule as creditIn
   * (planCredits), so replays and reconciliation cannot tell them apart. A key
   * already written is skipped (not in the answer), whatever its input.
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
    for (const op of ops) checkOp(op);
    if (new Set(ops.map((o) => o.memberId)).size !== ops.length)
      throw new Error('creditBatchIn takes one credit per member');
    let fresh = ops;
    if (!opts.keysAreNew) {
      const done = await store.takenKeys(
        q,
        ops.map((o) => o.key),
      );
      fresh = ops.filter((o) => !done.has(o.key));
      if (!fresh.length) {
        if (opts.alongside?.length) await q.script(opts.alongside);
        return out;
      }
    }
    const { planned, lots } = await this.addCredits(q, fresh, opts.alongside ?? []);
    // The entries, and their lots, which take their entry ids from the entries just written.
    const writes: Step[] = [store.insertEntriesStep(planned.map((p) => p.entry)), lots];
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
    for (const p of planned)
      out.set(p.entry.key, {
        memberId: p.entry.memberId,
        delta: p.entry.delta,
        balanceAfter: p.entry.balanceAfter,
        replayed: false,
      });
    return out;
  }

  /**
   * The shared part of every credit: in one round trip the caller's statements,
   * the balance update and the new balances; then the plan of each credit and the
   * statement writing their lots (sent by the caller after the entries).
   */
  private async addCredits(
    q: Q,
    fresh: LedgerOp[],
    alongside: Step[],
  ): Promise<{ planned: PlannedCredit[]; lots: Step }> {
    const now = this.clock.now();
    const ids = fresh.map((o) => o.memberId);
    const res = await q.script([
      ...alongside,
      store.addToBalancesStep(
        fresh.map((o) => ({ memberId: o.memberId, points: o.points })),
        now.getTime(),
      ),
      store.balancesStep(ids),
    ]);
    const [updated, read] = res.slice(alongside.length);
    if (updated.affected !== fresh.length) throw new AppError('MEMBER_NOT_FOUND');
    const planned = planCredits(fresh, store.decodeBalances(read.rows), now);
    const expiry = expiresAt(now, await this.settings.get('points.expiry'), this.tz);
    const lots = store.insertLotsOfEntriesStep(
      planned.map((p) => ({ key: p.entry.key, remaining: p.lotRemaining })),
      expiry ? expiry.getTime() : null,
      now.getTime(),
    );
    return { planned, lots };
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
    checkOp(op);
    const hash = inputHash(op, -1);
    const prior = await this.replay(q, op.key, hash);
    if (prior) return prior;
    const now = this.clock.now();
    // Take the member's row lock first: every lot change of a member happens under it.
    await this.lockAccount(q, op.memberId);
    await this.expireDueLotsIn(q, op.memberId, now);
    const changed = await store.takeFromBalance(q, op.memberId, op.points, now.getTime(), allowDebt);
    if (changed !== 1)
      throw new AppError('INSUFFICIENT_POINTS', undefined, {
        needed: op.points,
        balance: await this.balanceOf(q, op.memberId),
      });
    const balanceAfter = await this.balanceOf(q, op.memberId);
    const entryId = await this.insertEntry(q, newEntry(op, -op.points, hash, balanceAfter, now));
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
    const views = (await store.spendableLots(q, memberId)).map((l) => ({
      id: String(l.id),
      remaining: l.remaining,
      expiresAt: l.expiresAt === null ? null : new Date(l.expiresAt),
      createdAt: new Date(l.createdAt),
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
    const due = await store.dueLots(q, memberId, now.getTime());
    let total = 0;
    for (const lot of due) {
      const points = lot.remaining;
      const op: LedgerOp = {
        key: `expire:lot:${lot.id}`,
        memberId,
        points,
        type: 'expire',
        reason: 'points_expired',
        ref: `lot:${lot.id}`,
      };
      if (await store.keyTaken(q, op.key)) continue;
      await this.lockAccount(q, memberId);
      const changed = await store.takeFromBalance(q, memberId, points, now.getTime(), false);
      if (changed !== 1) throw new Error(`expiring lot ${lot.id} would drive member ${memberId} below zero`);
      const balanceAfter = await this.balanceOf(q, memberId);
      const entryId = await this.insertEntry(q, newEntry(op, -points, inputHash(op, -1), balanceAfter, now));
      await this.takeFromLot(q, entryId, memberId, lot.id, points);
      total += points;
    }
    return total;
  }

  private async takeFromLot(q: Q, entryId: number, memberId: number, lotId: number, points: number): Promise<void> {
    if ((await store.takeFromLot(q, lotId, points)) !== 1) throw new RetryTransaction(`lot ${lotId} changed under us`);
    await store.insertAllocation(q, { entryId, lotId, memberId, points });
  }

  private async lockAccount(q: Q, memberId: number): Promise<void> {
    if (!(await store.lockAccount(q, memberId))) throw new AppError('MEMBER_NOT_FOUND');
  }

  private async balanceOf(q: Q, memberId: number): Promise<number> {
    const balance = await store.balanceOf(q, memberId);
    if (balance === null) throw new AppError('MEMBER_NOT_FOUND');
    return balance;
  }

  private async replay(q: Q, key: string, hash: string): Promise<LedgerResult | null> {
    const row = await store.entryByKey(q, key);
    if (!row) return null;
    if (row.inputHash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    return {
      entryId: row.id,
      memberId: row.memberId,
      delta: row.delta,
      balanceAfter: row.balanceAfter,
      replayed: true,
    };
  }

  private async insertEntry(q: Q, entry: store.NewEntry): Promise<number> {
    try {
      return await store.insertEntry(q, entry);
    } catch (err) {
      // Someone committed this key first: run again, and the replay check answers.
      if (isDuplicateKey(err)) throw new RetryTransaction(`idempotency key ${entry.key} taken`);
      throw err;
    }
  }
}
