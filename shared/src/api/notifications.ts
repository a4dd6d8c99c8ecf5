import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime, PageQuery } from './common';
import { IdParams } from './admin';

export const MessageView = z.object({
  id: Id,
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  page: z.string().nullable(),
  read: z.boolean(),
  createdAt: IsoDateTime,
});
export const MessagePage = z.object({
  items: z.array(MessageView),
  nextCursor: z.string().nullable(),
  unread: z.int(),
});
export const UnreadCount = z.object({ unread: z.int() });

export const SubscriptionTemplates = z.object({
  templates: z.array(
    z.object({ key: z.string(), templateId: z.string(), title: z.string(), allowance: z.int(), banned: z.boolean() }),
  ),
});
export const SubscriptionResults = z
  .strictObject({
    results: z
      .array(
        z.strictObject({
          templateId: z.string().min(1).max(64),
          result: z.enum(['accept', 'reject', 'ban', 'filter']),
        }),
      )
      .min(1)
      .max(10),
  })
  .describe('What wx.requestSubscribeMessage answered, per template id');

export const JobName = z.enum([
  'birthday',
  'points_expiry',
  'points_pending_release',
  'voucher_expiry',
  'tier_evaluation',
  'churn',
  'alerts',
  'segments',
  'referral_settle',
  'outbox',
  'checkin_reminder',
  'gift_monthly_pack',
  'gift_grants',
  'rollups',
  'membership_expiry',
  'membership_packs',
]);
export const JobRunView = z.object({
  id: Id,
  job: z.string(),
  runKey: z.string(),
  status: z.string(),
  processed: z.int(),
  detail: z.unknown(),
  triggeredBy: z.string(),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export const JobRunsQuery = PageQuery.extend({ job: JobName.optional() });

const op = { auth: 'operator' as const, tag: 'admin' };
export const notificationEndpoints = {
  listMessages: endpoint({
    method: 'get',
    path: '/api/me/messages',
    tag: 'messages',
    auth: 'member',
    summary: 'In-app inbox, newest first',
    query: PageQuery,
    response: MessagePage,
    errors: ['VALIDATION_FAILED'],
  }),
  unreadCount: endpoint({
    method: 'get',
    path: '/api/me/messages/unread-count',
    tag: 'messages',
    auth: 'member',
    summary: 'Unread messages',
    response: UnreadCount,
  }),
  readMessage: endpoint({
    method: 'post',
    path: '/api/me/messages/:id/read',
    tag: 'messages',
    auth: 'member',
    params: IdParams,
    summary: 'Mark one message read',
    response: UnreadCount,
    errors: ['NOT_FOUND'],
  }),
  readAllMessages: endpoint({
    method: 'post',
    path: '/api/me/messages/read-all',
    tag: 'messages',
    auth: 'member',
    summary: 'Mark every message read',
    response: UnreadCount,
  }),
  getSubscriptions: endpoint({
    method: 'get',
    path: '/api/me/subscriptions',
    tag: 'messages',
    auth: 'member',
    summary: 'Templates to pass to wx.requestSubscribeMessage, with my remaining allowance',
    response: SubscriptionTemplates,
  }),
  reportSubscriptions: endpoint({
    method: 'post',
    path: '/api/me/subscriptions',
    tag: 'messages',
    auth: 'member',
    summary: 'Report wx.requestSubscribeMessage results: each accept is one message allowance; ban stops the template',
    body: SubscriptionResults,
    response: SubscriptionTemplates,
    errors: ['VALIDATION_FAILED'],
  }),
  adminRunJob: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/jobs/:name/run',
    params: z.strictObject({ name: JobName }),
    summary: 'Run a scheduled job now (idempotent; safe alongside the scheduler)',
    response: JobRunView,
    errors: ['VALIDATION_FAILED', 'RATE_LIMITED'],
  }),
  adminJobRuns: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/jobs/runs',
    summary: 'Job run history, newest first',
    query: JobRunsQuery,
    response: z.object({ items: z.array(JobRunView), nextCursor: z.string().nullable() }),
    errors: ['VALIDATION_FAILED'],
  }),
};
