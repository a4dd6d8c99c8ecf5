import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';

/**
 * Nightly settlement: invites whose invitee's first purchase has outlived the
 * refund window are rewarded (or sent back to waiting when the purchase was
 * refunded in full). Each invite in a unit of work of its own; see settleDue.
 */
export function referralSettleJob(c: Pick<Services, 'referrals'>): JobDef {
  return {
    name: 'referral_settle',
    at: { hour: 5, minute: 0 },
    // Settled invites leave the due set, so a rerun resumes by itself; the checkpoint stops a run that lost its lease.
    run: async (ctx) => ({
      processed: await c.referrals.settleDue((done, paid) => ctx.checkpoint(String(done), paid)),
    }),
  };
}
