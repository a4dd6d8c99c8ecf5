import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { metrics } from './metrics';
import { toCsv, type MemberRow } from './segments';

/** Operator dashboards: metrics, RFM segments, churn lists (JSON or CSV). */
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
}
