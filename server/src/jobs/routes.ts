import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../http/route';
import type { AppContext } from '../http/context';

/** Operator endpoints of the job runner: run a job by hand, list past runs. */
export function jobRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.adminRunJob, async (ctx, { params }) => c.jobs.run(params.name, `operator:${ctx.state.staff.id}`));
  r.add(endpoints.adminJobRuns, async (_ctx, { query }) => c.jobs.runs(query.job, query.cursor, query.limit));
}
