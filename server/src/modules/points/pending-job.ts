import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';

const CHUNK = 500;

/**
 * Releases pending purchase points that are due: chunks of up to 500 rows, each
 * one unit of work (PendingPoints.releaseDueIn), a checkpoint after each. Rows are
 * chosen by state, so a rerun, a resumed run or a second instance finds only
 * what is still pending: nothing is released twice.
 */
export function pendingReleaseJob(c: Pick<Services, 'db' | 'pending'>): JobDef {
  return {
    name: 'points_pending_release',
    at: { hour: 0, minute: 5 },
    async run(ctx) {
      let processed = 0;
      let points = 0;
      for (;;) {
        const r = await c.db.tx((q) => c.pending.releaseDueIn(q, ctx.now, CHUNK));
        processed += r.rows;
        points += r.points;
        if (!r.rows) break;
        await ctx.checkpoint(String(processed), processed);
        if (!r.more) break;
      }
      return { processed, detail: { releasedPoints: points } };
    },
  };
}
