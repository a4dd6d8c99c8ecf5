import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { OperatorInbox } from './operator-inbox';

/** The operators' inbox: list (with the unread count for the console's badge) and mark read. */
export function operatorInboxRoutes(r: Routes, c: AppContext): void {
  const inbox = new OperatorInbox(c.db);
  r.add(endpoints.adminOperatorInbox, async (_ctx, { query }) => inbox.list(query.limit));
  r.add(endpoints.adminOperatorInboxRead, async (_ctx, { body }) => ({
    unread: await inbox.markRead(body.id ? Number(body.id) : null, c.clock.now().getTime()),
  }));
}
