import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDate, IsoDateTime } from './common';

/**
 * Staged churn (members going quiet) and operator alerts: the operator settings
 * (`insights.churn`, `insights.alerts`) and the endpoints of the console's churn
 * and alert views, the staff call list and the operators' inbox.
 */
export const CHURN_STAGES = ['L1', 'L2', 'L3', 'D60', 'D90'] as const;
export type ChurnStage = (typeof CHURN_STAGES)[number];
export const ChurnStageCode = z.enum(CHURN_STAGES);

const ChurnStageRule = z.object({
  code: ChurnStageCode,
  fromDays: z.int().min(0).max(365).describe('Entered after this many quiet days (0 = from the first quiet day)'),
  action: z
    .enum(['message', 'gift', 'dormant'])
    .describe('message: a nudge; gift: a voucher and a message; dormant: mark the member dormant, no message'),
  benefitId: Id.nullable().describe('Benefit of the gift voucher (gift action); null: the notifications gift, if any'),
  giftRuleId: Id.nullable()
    .optional()
    .describe(
      "gift action: a gift rule with the trigger 'churn' to give (its points and vouchers, once per stage and quiet episode) instead of the voucher",
    ),
  callList: z.boolean().describe("Members in this stage are on their last order's store call list"),
});

export const ChurnRulesSchema = z
  .object({
    stages: z.array(ChurnStageRule).min(1).max(CHURN_STAGES.length),
    recoveryDays: z
      .int()
      .min(1)
      .max(180)
      .describe('A member active again within this many days of entering counts as recovered'),
  })
  .superRefine((r, ctx) => {
    const codes = r.stages.map((s) => s.code);
    if (new Set(codes).size !== codes.length) ctx.addIssue({ code: 'custom', message: 'stage codes must be unique' });
    for (let i = 1; i < r.stages.length; i++)
      if (r.stages[i].fromDays <= r.stages[i - 1].fromDays)
        ctx.addIssue({ code: 'custom', message: 'stages must be in ascending fromDays' });
  });
export type ChurnRules = z.infer<typeof ChurnRulesSchema>;

export const DEFAULT_CHURN_RULES: ChurnRules = {
  stages: [
    { code: 'L1', fromDays: 0, action: 'message', benefitId: null, callList: false },
    { code: 'L2', fromDays: 8, action: 'gift', benefitId: null, callList: false },
    { code: 'L3', fromDays: 16, action: 'gift', benefitId: null, callList: true },
    { code: 'D60', fromDays: 60, action: 'message', benefitId: null, callList: false },
    { code: 'D90', fromDays: 90, action: 'dormant', benefitId: null, callList: false },
  ],
  recoveryDays: 30,
};

export const AlertRulesSchema = z.object({
  writeOffRate: z.object({
    enabled: z.boolean(),
    minRate: z
      .number()
      .min(0)
      .max(1)
      .describe('Alert when vouchers written off / issued over the window is below this'),
    days: z.int().min(1).max(180),
    minIssued: z.int().min(1).max(1_000_000).describe('No alert on fewer vouchers issued than this (too few to judge)'),
  }),
  liabilityGrowth: z.object({
    enabled: z.boolean(),
    maxPercent: z
      .int()
      .min(1)
      .max(10_000)
      .describe('Alert when the points liability grew more than this % week on week'),
  }),
  staffSpike: z.object({
    enabled: z.boolean(),
    factor: z
      .number()
      .min(1)
      .max(100)
      .describe("Alert when a staff member's count today is over factor x their daily usual"),
    minCount: z.int().min(1).max(10_000).describe('No alert under this many refunds or adjustments in a day'),
    baselineDays: z.int().min(7).max(90),
  }),
});
export type AlertRules = z.infer<typeof AlertRulesSchema>;

export const DEFAULT_ALERT_RULES: AlertRules = {
  writeOffRate: { enabled: true, minRate: 0.15, days: 30, minIssued: 10 },
  liabilityGrowth: { enabled: true, maxPercent: 20 },
  staffSpike: { enabled: true, factor: 3, minCount: 5, baselineDays: 28 },
};

export const ALERT_RULES = [
  'voucher_write_off_low',
  'liability_growth',
  'staff_refund_spike',
  'staff_adjust_spike',
] as const;

export const ChurnStageStats = z.object({
  code: ChurnStageCode,
  fromDays: z.int(),
  action: z.string(),
  current: z.int().describe('Members in this stage now (entered, not active since)'),
  entered: z.int().describe('Entries into this stage in the range'),
  recovered: z.int().describe('Of those, active again within the recovery days'),
  recoveryRate: z.number(),
});
export const ChurnStatsQuery = z
  .strictObject({ from: IsoDate, to: IsoDate.describe('Inclusive') })
  .refine((q) => q.from <= q.to, 'from must not be after to');
export const ChurnStatsResponse = z.object({
  range: z.object({ from: IsoDate, to: IsoDate }),
  recoveryDays: z.int(),
  stages: z.array(ChurnStageStats),
  callLists: z.array(z.object({ storeId: Id, name: z.string(), members: z.int() })),
});

export const CallListEntry = z.object({
  memberId: Id,
  maskedName: z.string(),
  stage: ChurnStageCode,
  lastActiveOn: IsoDate.nullable(),
  quietDays: z.int(),
  enteredOn: IsoDate,
});
export const CallListResponse = z.object({ storeId: Id, items: z.array(CallListEntry) });
export const StoreParams = z.strictObject({ storeId: Id });
export const CallListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

export const AlertView = z.object({
  id: Id,
  rule: z.string(),
  period: z.string(),
  subject: z.string(),
  state: z.enum(['open', 'acknowledged']),
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  createdAt: IsoDateTime,
  acknowledgedAt: IsoDateTime.nullable(),
});
export const AlertsQuery = z.strictObject({
  state: z.enum(['open', 'acknowledged']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AlertsResponse = z.object({ items: z.array(AlertView), open: z.int() });
export const AlertIdParams = z.strictObject({ id: Id });

export const OperatorMessage = z.object({
  id: Id,
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  read: z.boolean(),
  createdAt: IsoDateTime,
});
export const OperatorInboxQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const OperatorInboxResponse = z.object({ items: z.array(OperatorMessage), unread: z.int() });
export const OperatorInboxRead = z.strictObject({ id: Id.optional().describe('One message; absent: all') });

const op = { auth: 'operator' as const, tag: 'admin' };
export const churnEndpoints = {
  adminChurnStages: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/churn/stages',
    summary: 'Churn stages: members in each now, entries and recoveries in a business-date range, call lists per store',
    query: ChurnStatsQuery,
    response: ChurnStatsResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  adminCallList: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/churn/call-list/:storeId',
    params: StoreParams,
    summary: "A store's call list: members in a call-list stage whose last order was at that store",
    query: CallListQuery,
    response: CallListResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  staffCallList: endpoint({
    method: 'get',
    path: '/api/staff/churn/call-list',
    tag: 'staff',
    auth: 'staff',
    summary: "The call list of the staff member's own store",
    query: CallListQuery,
    response: CallListResponse,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED'],
  }),
  adminAlerts: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/alerts',
    summary: 'Alerts raised by the threshold rules, newest first',
    query: AlertsQuery,
    response: AlertsResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  adminAcknowledgeAlert: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/alerts/:id/acknowledge',
    params: AlertIdParams,
    summary: 'Acknowledge an alert (acknowledging it again changes nothing)',
    response: AlertView,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
  adminOperatorInbox: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/inbox',
    summary: "The operators' inbox (alerts and other notices), newest first, with the unread count for the badge",
    query: OperatorInboxQuery,
    response: OperatorInboxResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  adminOperatorInboxRead: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/inbox/read',
    summary: "Mark one message or all of the operators' inbox read",
    body: OperatorInboxRead,
    response: z.object({ unread: z.int() }),
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
};
