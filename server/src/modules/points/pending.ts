import { addDaysToIsoDate, businessDate, parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Ledger } from './ledger';
import { checkOp, type LedgerOp } from './ledger-rules';
import * as store from './pending-store';

/** When points held on `at` for `days` days are released: the start of that business day. */
export function releaseAtFor(at: Date, days: number, tz: string): Date {
  const d = parseIsoDate(addDaysToIsoDate(businessDate(at, tz), days))!;
  return startOfLocalDay(d.year, d.month, d.day, tz);
}

/**
 * Pending points: purchase points held back for a while (returns window) before
 * they reach the ledger. Held points are not in the balance, so they cannot be
 * spent; a refund inside the window cancels them (no debt, no ledger entry); the
 * release job credits what is left through the ledger under the purchase's own
 * key, so the ledger sees one credit per purchase as without a window.
 */
export class PendingPoints {
  constructor(
    private readonly ledger: Ledger,
    private readonly clock: Clock,
  ) {}

  /** Holds a credit (its key, points, reason and refs as the ledger would get them) until `releaseAt`. */
  async holdIn(q: Q, op: LedgerOp, releaseAt: Date): Promise<void> {
    checkOp(op);
    const now = this.clock.now().getTime();
    let id: number;
    try {
      id = await store.insertPending(
        q,
        {
          memberId: op.memberId,
          key: op.key,
          points: op.points,
          releaseAt: releaseAt.getTime(),
          reason: op.reason,
          ref: op.ref ?? null,
          storeId: op.storeId ?? null,
          operatorId: op.operatorId ?? null,
          note: op.note ?? null,
        },
        now,
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryTransaction(`pending key ${op.key} taken`);
      throw err;
    }
    await q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: id, memberId: op.memberId, delta: op.points, kind: 'hold', key: `hold:${op.key}` }],
        now,
      ),
    );
  }

  /**
   * Cancels `points` of what the credit `key` still holds (a refund inside the
   * window). False when nothing is held under the key or it was released
   * already: then the points are in the balance and the caller claws them back
   * through the ledger. `cancelKey` names this cancellation once.
   */
  async cancelIn(q: Q, key: string, points: number, cancelKey: string): Promise<boolean> {
    const row = await store.lockPendingByKey(q, key);
    if (!row || row.state === 'released') return false;
    if (points <= 0) return true;
    const now = this.clock.now().getTime();
    if ((await store.cancelPending(q, row.id, points, now)) !== 1)
      throw new Error(`pending ${row.id} holds less than ${points} points: out of step with its order`);
    await q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: row.id, memberId: row.memberId, delta: -points, kind: 'cancel', key: `cancel:${cancelKey}` }],
        now,
      ),
    );
    return true;
  }

  /**
   * Releases up to `limit` rows due at `at` in one unit of work, set-based: one
   * guarded UPDATE marks them, one INSERT writes their release entries, one ledger
   * batch credits them. The ledger's batch takes one credit per member, so a
   * member's further due rows wait for the next pass (`more`). A row already
   * released is not selected again: running twice releases once.
   */
  async releaseDueIn(q: Q, at: Date, limit: number): Promise<{ rows: number; points: number; more: boolean }> {
    const due = await store.lockDuePending(q, at.getTime(), limit);
    if (!due.length) return { rows: 0, points: 0, more: false };
    const seen = new Set<number>();
    const pick = due.filter((r) => !seen.has(r.memberId) && !!seen.add(r.memberId));
    const now = this.clock.now().getTime();
    if (
      (await store.markReleased(
        q,
        pick.map((r) => r.id),
        now,
      )) !== pick.length
    )
      throw new RetryTransaction('a pending row changed under the release');
    const left = (r: store.PendingRow) => r.points - r.cancelled;
    await q.exec(
      ...store.insertPendingEntriesStep(
        pick.map((r) => ({
          pendingId: r.id,
          memberId: r.memberId,
          delta: -left(r),
          kind: 'release',
          key: `release:${r.id}`,
        })),
        now,
      ),
    );
    await this.ledger.creditBatchIn(
      q,
      pick.map((r) => ({
        key: r.key,
        memberId: r.memberId,
        points: left(r),
        type: 'credit',
        reason: r.reason,
        ref: r.ref,
        storeId: r.storeId,
        operatorId: r.operatorId,
        note: r.note,
      })),
    );
    return {
      rows: pick.length,
      points: pick.reduce((s, r) => s + left(r), 0),
      more: due.length === limit || pick.length < due.length,
    };
  }

  /**
   * Cancels all a member still holds, when the account is closed: the points
   * never reach the balance (no credit, no debt), and each row gets its cancel
   * entry, so the record says what was dropped and why. Returns the points cancelled.
   */
  async cancelAllOfIn(q: Q, memberId: number, why: string): Promise<number> {
    const rows = (await store.lockHeldOf(q, memberId)).filter((r) => r.points - r.cancelled > 0);
    if (!rows.length) return 0;
    const now = this.clock.now().getTime();
    for (const r of rows)
      if ((await store.cancelPending(q, r.id, r.points - r.cancelled, now)) !== 1)
        throw new RetryTransaction(`pending ${r.id} changed under the cancel`);
    await q.exec(
      ...store.insertPendingEntriesStep(
        rows.map((r) => ({
          pendingId: r.id,
          memberId,
          delta: -(r.points - r.cancelled),
          kind: 'cancel' as const,
          key: `cancel:${why}:${r.id}`,
        })),
        now,
      ),
    );
    return rows.reduce((s, r) => s + r.points - r.cancelled, 0);
  }

  /** A member's pending points (total, and the first `limit` by release), for the member's points page. */
  summaryIn(q: Q, memberId: number, limit = 50) {
    return store.pendingOf(q, memberId, limit);
  }
}
