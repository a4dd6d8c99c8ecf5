import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDate, IsoDateTime } from './common';
import { SEGMENTS } from '../domain/rfm';
import { churnEndpoints } from './churn';

/** Operator dashboards: metrics over a business-date range, RFM segments and churn lists. */
export const MetricsQuery = z
  .strictObject({
    from: IsoDate,
    to: IsoDate.describe('Inclusive'),
    store: Id.optional().describe('Only this store (store-level figures)'),
  })
  .refine((q) => q.from <= q.to, 'from must not be after to');

const Money = z.int().describe('cents');
export const MetricsResponse = z.object({
  range: z.object({ from: IsoDate, to: IsoDate, store: Id.nullable(), timezone: z.string() }),
  members: z.object({
    total: z.int(),
    new: z.int(),
    dau: z.int().describe('Active on the last day of the range'),
    mau: z.int().describe('Active in the 30 days ending on the last day'),
  }),
  tiers: z.array(z.object({ code: z.string(), name: z.string(), members: z.int() })),
  points: z.object({
    issued: z.int(),
    redeemed: z.int(),
    expired: z.int(),
    reversed: z.int(),
    outstanding: z.int().describe("Points members hold now; closed accounts' points are released, not owed"),
    closedAccounts: z.int().describe('Points left on closed (deleted) accounts: released, not in outstanding'),
    liabilityCents: Money.describe('Outstanding points at the configured point value'),
    breakageRate: z.number().describe('Expired / issued in the range (0-1)'),
  }),
  vouchers: z.object({ issued: z.int(), writtenOff: z.int(), writeOffRate: z.number() }),
  checkin: z.object({
    checkins: z.int(),
    members: z.int(),
    participationRate: z.number().describe('Members who checked in / active members'),
  }),
  referrals: z.object({
    invited: z.int(),
    registered: z.int(),
    purchased: z.int(),
    sharers: z.int().describe('Members whose invite brought a new member in the range'),
    shareRate: z.number().describe('Sharers / members active in the 30 days ending on the last day (0-1)'),
  }),
  sales: z.object({
    orders: z.int(),
    amountCents: Money,
    refundedCents: Money,
    buyers: z.int(),
    repeatBuyers: z.int(),
    repeatPurchaseRate: z.number(),
    arpuCents: Money.describe('Net sales (amount - refunds) in the range / members registered by its end'),
  }),
  stores: z.array(
    z.object({
      storeId: Id,
      name: z.string(),
      orders: z.int(),
      amountCents: Money,
      pointsIssued: z.int(),
      buyers: z.int(),
    }),
  ),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

export const MetricsSeriesQuery = z.strictObject({
  grain: z.enum(['day', 'week']).default('day'),
  periods: z.coerce.number().int().min(2).max(31).default(14),
  to: IsoDate.optional().describe('Last day of the last period (inclusive); default today'),
  store: Id.optional().describe('Only this store (store-level figures)'),
});
export const MetricsSeriesResponse = z.object({
  grain: z.enum(['day', 'week']),
  timezone: z.string(),
  periods: z.array(
    z.object({
      from: IsoDate,
      to: IsoDate,
      newMembers: z.int(),
      totalMembers: z.int(),
      dau: z.int().describe('Active on the last day of the period'),
      mau: z.int().describe('Active in the 30 days ending on its last day'),
      pointsIssued: z.int(),
      pointsRedeemed: z.int(),
      pointsExpired: z.int(),
      pointsReversed: z.int(),
      vouchersIssued: z.int(),
      vouchersWrittenOff: z.int(),
      writeOffRate: z.number(),
      orders: z.int(),
      salesCents: Money,
      refundedCents: Money,
    }),
  ),
});

export const SegmentName = z.enum(SEGMENTS);
export const SegmentsResponse = z.object({
  computedAt: IsoDateTime.nullable(),
  segments: z.array(z.object({ segment: SegmentName, members: z.int() })),
});
export const SegmentMembersQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
});
export const SegmentMembersParams = z.strictObject({ name: SegmentName });
export const ChurnQuery = z.strictObject({
  days: z.coerce
    .number()
    .int()
    .refine((d) => [30, 60, 90].includes(d), '30, 60 or 90'),
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
});
export const MemberRow = z.object({
  memberId: Id,
  maskedName: z.string(),
  tier: z.string(),
  lastActiveAt: IsoDateTime.nullable(),
  recencyDays: z.int().nullable(),
  frequency: z.int(),
  monetaryCents: Money,
  segment: z.string(),
});
export const MemberRows = z.union([
  z.object({ items: z.array(MemberRow) }),
  z.string().describe('CSV when format=csv'),
]);
export const SegmentRun = z.object({ members: z.int(), computedAt: IsoDateTime, tookMs: z.int() });

const op = { auth: 'operator' as const, tag: 'admin' };
export const insightEndpoints = {
  adminMetrics: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/metrics',
    summary: 'Dashboard metrics for a business-date range, optionally one store',
    query: MetricsQuery,
    response: MetricsResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  adminMetricsSeries: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/metrics/series',
    summary:
      'Dashboard trends: consecutive days or weeks ending on `to`, oldest first, from the same figures as /metrics',
    query: MetricsSeriesQuery,
    response: MetricsSeriesResponse,
    errors: ['VALIDATION_FAILED'],
  }),
  adminSegments: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/segments',
    summary: 'RFM segment sizes from the last computation',
    response: SegmentsResponse,
  }),
  adminComputeSegments: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/segments/compute',
    summary: 'Recompute RFM segments now (also run nightly)',
    response: SegmentRun,
  }),
  adminSegmentMembers: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/segments/:name/members',
    params: SegmentMembersParams,
    summary: 'Members of a segment (JSON or CSV export)',
    query: SegmentMembersQuery,
    response: MemberRows,
    errors: ['VALIDATION_FAILED'],
  }),
  adminChurn: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/churn',
    summary: 'Members inactive for 30, 60 or 90 days (JSON or CSV export)',
    query: ChurnQuery,
    response: MemberRows,
    errors: ['VALIDATION_FAILED'],
  }),
  ...churnEndpoints,
};
