import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';

export { churnJob } from './churn';
export { alertsJob } from './alerts';
export { rollupsJob } from './rollups';

/**
 * Nightly RFM scores for every member (the same as an operator's "compute now"),
 * checkpointed per chunk by member id, so a stopped run resumes where it was.
 */
export function segmentsJob(c: Pick<Services, 'segments'>): JobDef {
  return {
    name: 'segments',
    at: { hour: 4, minute: 0 },
    run: async (ctx) => {
      const from = Number(ctx.resumeFrom ?? 0);
      const r = await c.segments.compute({ from, onChunk: (after, n) => ctx.checkpoint(String(after), n) });
      return { processed: r.members };
    },
  };
}
