import type { Services } from '../services';
import type { JobDef } from '../../jobs/runner';

/**
 * `pay_sweep`, by hand: one pass of the payment sync and close (every instance
 * with background work also runs it every 30 s on its own, under a lease).
 */
export function paySweepJob(c: Pick<Services, 'payments'>): JobDef {
  return {
    name: 'pay_sweep',
    at: null,
    run: async () => {
      const r = await c.payments.sweep();
      return { processed: r.synced + r.refunds, detail: { ...r } };
    },
  };
}
