import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { metrics } from './metrics';
import { metricsSeries } from './series';
import { toCsv, type MemberRow } from './segments';
import { callList, churnStats } from './churn-views';
import { acknowledge, listAlerts } from './alerts';
import { AppError } from '../../core/errors';

/** Operator dashboards: metrics, RFM segments, churn lists (JSON or CSV), churn stages and call lists, alerts. */
export function insightRoutes(r: Routes, c: AppContext): void {
  const respond = (
    ctx: { type: string; set(h: string, v: string): void },
    rows: MemberRow[],
    format: 'json' | 'csv',
    name: string,
  ) => {
    if (format === 'json') return { items: rows };
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${name}.csv"`);
    return '\ufeff' + toCsv(rows); // BOM: Excel opens UTF-8 (Chinese names) correctly
  };

  r.add(endpoints.adminMetrics, async (_ctx, { query }) =>
    metrics(c, query.from, query.to, query.store ? Number(query.store) : null),
  );
  r.add(endpoints.adminMetricsSeries, async (_ctx, { query }) => metricsSeries(c, query));
  r.add(endpoints.adminSegments, async () => c.segments.sizes());
  r.add(endpoints.adminComputeSegments, async () => {
    const run = await c.segments.compute();
    return { members: run.members, computedAt: run.computedAt.toISOString(), tookMs: run.tookMs };
  });
  r.add(endpoints.adminSegmentMembers, async (ctx, { params, query }) =>
    respond(ctx, await c.segments.members(params.name, query.limit), query.format, `segment-${params.name}`),
  );
  r.add(endpoints.adminChurn, async (ctx, { query }) =>
    respond(ctx, await c.segments.churn(query.days, query.limit), query.format, `inactive-${query.days}-days`),
  );

  r.add(endpoints.adminChurnStages, async (_ctx, { query }) => churnStats(c, query.from, query.to));
  r.add(endpoints.adminCallList, async (_ctx, { params, query }) => callList(c, Number(params.storeId), query.limit));
  // Staff read their own store's list only: the store comes from the staff row, never from the request.
  r.add(endpoints.staffCallList, async (ctx, { query }) => {
    const storeId = ctx.state.staff.storeId;
    if (storeId === null) throw new AppError('STORE_REQUIRED');
    return callList(c, storeId, query.limit);
  });
  r.add(endpoints.adminAlerts, async (_ctx, { query }) => listAlerts(c, query.state, query.limit));
  r.add(endpoints.adminAcknowledgeAlert, async (ctx, { params }) =>
    acknowledge(c, Number(params.id), ctx.state.staff.id),
  );
}
