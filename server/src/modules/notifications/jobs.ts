import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';

/**
 * Delivers what is due in the outbox. No daily time: the server drains every few
 * seconds on its own; this lets an operator (or a test) drain at once.
 */
export function outboxJob(c: Pick<Services, 'outbox'>): JobDef {
  return {
    name: 'outbox',
    at: null,
    // The drain stops between rows when the run loses its lease; an unsent row stays due for the next run.
    run: async (ctx) => {
      const r = await c.outbox.drain(10_000, 50, ctx.signal);
      return { processed: r.claimed, detail: { ...r } };
    },
  };
}
