import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { operatorInboxRoutes } from './operator-routes';

/** The member's inbox and WeChat subscription answers. */
export function notificationRoutes(r: Routes, c: AppContext): void {
  const now = () => c.clock.now().getTime();
  r.add(endpoints.listMessages, async (ctx, { query }) => c.inbox.list(ctx.state.member.id, query.cursor, query.limit));
  r.add(endpoints.unreadCount, async (ctx) => ({ unread: await c.inbox.unread(ctx.state.member.id) }));
  r.add(endpoints.readMessage, async (ctx, { params }) => ({
    unread: await c.inbox.markRead(ctx.state.member.id, Number(params.id), now()),
  }));
  r.add(endpoints.readAllMessages, async (ctx) => ({
    unread: await c.inbox.markRead(ctx.state.member.id, 'all', now()),
  }));
  r.add(endpoints.getSubscriptions, async (ctx) => c.subscriptions.view(ctx.state.member.id));
  r.add(endpoints.reportSubscriptions, async (ctx, { body }) =>
    c.subscriptions.report(ctx.state.member.id, body.results, now()),
  );
  operatorInboxRoutes(r, c);
}
