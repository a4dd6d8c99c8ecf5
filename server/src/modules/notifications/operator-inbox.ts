import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import * as store from './store-operators';

/**
 * The operators' inbox (运营消息): notices for the people running the programme
 * (alerts today), shown in the console with an unread badge. Other modules post
 * with `postToOperatorsIn` inside their own unit of work, so a notice commits with
 * its cause; a dedupe key makes a repeat post a no-op.
 */
export function postToOperatorsIn(
  q: Q,
  m: { kind: string; title: string; body: string; dedupeKey: string },
  now: number,
): Promise<boolean> {
  return store.insertOperatorMessage(q, m, now);
}

export class OperatorInbox {
  constructor(private readonly db: Database) {}

  async list(limit: number) {
    return this.db.read(async (q) => ({
      items: (await store.operatorMessages(q, limit)).map((r) => ({
        id: String(r.id),
        kind: r.kind,
        title: r.title,
        body: r.body,
        read: r.read_at !== null,
        createdAt: new Date(Number(r.created_at)).toISOString(),
      })),
      unread: await store.operatorUnread(q),
    }));
  }

  /** Marks one message (or all) read; returns the unread count after. */
  async markRead(id: number | null, now: number): Promise<number> {
    return this.db.tx(async (q) => {
      if (id !== null && !(await store.operatorMessageExists(q, id)))
        throw new AppError('NOT_FOUND', 'No such message');
      await store.markOperatorRead(q, id === null ? null : [id], now);
      return store.operatorUnread(q);
    });
  }
}
