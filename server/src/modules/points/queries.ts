import type { PointsEntriesPage, PointsSummary, EntryType } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { AppError } from '../../core/errors';

const EXPIRING_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** Read side of the ledger: what a member sees. */
export class PointsQueries {
  constructor(private readonly db: Database) {}

  async summary(memberId: number, now: Date): Promise<PointsSummary> {
    const t = now.getTime();
    return this.db.read(async (q) => {
      const acct = await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [
        memberId,
      ]);
      if (!acct) throw new AppError('MEMBER_NOT_FOUND');
      const lots = await q.all<{ remaining: number; expires_at: number }>(
        `SELECT remaining, expires_at FROM points_lots
         WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?
         ORDER BY expires_at, id`,
        [memberId, t + EXPIRING_WINDOW_DAYS * DAY_MS],
      );
      // Lots already past their time but not yet swept by the expiry job are not spendable.
      const overdue = lots.filter((l) => Number(l.expires_at) <= t).reduce((s, l) => s + Number(l.remaining), 0);
      const soon = lots.filter((l) => Number(l.expires_at) > t);
      return {
        balance: Number(acct.balance) - overdue,
        expiringSoon: {
          withinDays: EXPIRING_WINDOW_DAYS,
          total: soon.reduce((s, l) => s + Number(l.remaining), 0),
          lots: soon.map((l) => ({
            points: Number(l.remaining),
            expiresAt: new Date(Number(l.expires_at)).toISOString(),
          })),
        },
      };
    });
  }

  /** Newest first; keyset pagination on (created_at, id) so pages stay stable while entries are added. */
  async entries(memberId: number, cursor: string | undefined, limit: number): Promise<PointsEntriesPage> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.db.read((q) =>
      q.all<{
        id: number;
        delta: number;
        type: string;
        reason: string;
        ref: string | null;
        balance_after: number;
        store_id: number | null;
        created_at: number;
      }>(
        `SELECT id, delta, type, reason, ref, balance_after, store_id, created_at FROM points_entries
         WHERE member_id = ?${after ? ' AND (created_at < ? OR (created_at = ? AND id < ?))' : ''}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
        after ? [memberId, after.at, after.at, after.id, limit + 1] : [memberId, limit + 1],
      ),
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: String(r.id),
        delta: Number(r.delta),
        type: r.type as EntryType,
        reason: r.reason,
        ref: r.ref,
        balanceAfter: Number(r.balance_after),
        storeId: r.store_id === null ? null : String(r.store_id),
        createdAt: new Date(Number(r.created_at)).toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.created_at), Number(last.id)) : null,
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
