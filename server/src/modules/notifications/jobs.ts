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
    run: async () => {
      const r = await c.outbox.drain();
      return { processed: r.claimed, detail: { ...r } };
    },
  };
}
