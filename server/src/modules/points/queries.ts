import type { PointsEntriesPage, PointsSummary, EntryType } from '@huiyuan/shared';
import { allOf, type Database } from '../../db/database';
import { AppError } from '../../core/errors';
import * as store from './store';
import * as reads from './store-reads';
import { pendingOf } from './pending-store';

const EXPIRING_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** Read side of the ledger: what a member sees. */
export class PointsQueries {
  constructor(private readonly db: Database) {}

  async summary(memberId: number, now: Date): Promise<PointsSummary> {
    const t = now.getTime();
    return this.db.read(async (q) => {
      // Independent reads issued together: one round trip on MySQL.
      const [balance, lots, pending] = await allOf([
        store.balanceOf(q, memberId),
        reads.lotsExpiringBy(q, memberId, t + EXPIRING_WINDOW_DAYS * DAY_MS),
        pendingOf(q, memberId, 50),
      ]);
      if (balance === null) throw new AppError('MEMBER_NOT_FOUND');
      // Lots already past their time but not yet swept by the expiry job are not spendable.
      const overdue = lots.filter((l) => l.expiresAt <= t).reduce((s, l) => s + l.remaining, 0);
      const soon = lots.filter((l) => l.expiresAt > t);
      return {
        balance: balance - overdue,
        expiringSoon: {
          withinDays: EXPIRING_WINDOW_DAYS,
          total: soon.reduce((s, l) => s + l.remaining, 0),
          lots: soon.map((l) => ({
            points: l.remaining,
            expiresAt: new Date(l.expiresAt).toISOString(),
          })),
        },
        pending: {
          total: pending.total,
          items: pending.items.map((p) => ({ points: p.points, releasesAt: new Date(p.releaseAt).toISOString() })),
        },
      };
    });
  }

  /** Newest first; keyset pagination on (created_at, id) so pages stay stable while entries are added. */
  async entries(memberId: number, cursor: string | undefined, limit: number): Promise<PointsEntriesPage> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.db.read((q) => reads.entriesPage(q, memberId, after, limit + 1));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: String(r.id),
        delta: r.delta,
        type: r.type as EntryType,
        reason: r.reason,
        ref: r.ref,
        balanceAfter: r.balanceAfter,
        storeId: r.storeId === null ? null : String(r.storeId),
        createdAt: new Date(r.createdAt).toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

function encodeCursor(at: number, id: number): string {
  return Buffer.from(`${at}.${id}`).toString('base64url');
}

function decodeCursor(c: string): { at: number; id: number } {
  const m = /^(\d{1,16})\.(\d{1,19})$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw new AppError('VALIDATION_FAILED', 'cursor is not valid', { field: 'cursor' });
  return { at: Number(m[1]), id: Number(m[2]) };
}
