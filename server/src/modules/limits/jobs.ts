import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { purgeEnded } from './store';

const CHUNK = 1000;

/**
 * Retention of rate-limit windows: a window that has ended decides nothing any
 * more, so it is deleted, oldest first, in bounded chunks (each its own
 * statement, so no long lock), checkpointing after each one.
 */
export function rateWindowPurgeJob(c: Pick<Services, 'db'>): JobDef {
  return {
    name: 'rate_window_purge',
    at: { hour: 4, minute: 40 },
    async run(ctx) {
      const now = ctx.now.getTime();
      let processed = 0;
      for (;;) {
        const n = await c.db.read((q) => purgeEnded(q, now, CHUNK));
        processed += n;
        if (n === 0) break;
        await ctx.checkpoint(String(now), processed);
      }
      return { processed };
    },
  };
}
