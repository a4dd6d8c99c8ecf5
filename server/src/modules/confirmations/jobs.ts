import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { purgeBefore } from './store';

/** A request lives minutes; a week is kept for questions about a checkout, then it goes. */
const KEEP_MS = 7 * 86_400_000;
const BATCH = 1000;

/** Nightly: deletes lookup requests older than a week, in short batches, checkpointing after each. */
export function lookupRetentionJob(c: Pick<Services, 'db'>): JobDef {
  return {
    name: 'retention_lookup_requests',
    at: { hour: 4, minute: 24 },
    async run(ctx) {
      const before = ctx.now.getTime() - KEEP_MS;
      let processed = 0;
      for (;;) {
        const n = await c.db.tx((q) => purgeBefore(q, before, BATCH));
        processed += n;
        if (n < BATCH) break;
        await ctx.checkpoint(String(before), processed);
      }
      return { processed };
    },
  };
}
