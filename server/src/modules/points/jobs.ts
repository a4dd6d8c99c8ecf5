import { businessDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { enqueueIn } from '../notifications/outbox';
import * as reads from './store-reads';

const CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Nightly expiry: walks the members with lots due (keyset on member id,
 * checkpointed), expiring each member's due lots in its own transaction (the
 * ledger's `expire:lot:<id>` keys make a rerun or a lazy expiry write nothing
 * twice); then one reminder a week ahead per member and expiry day.
 */
export function pointsExpiryJob(c: Pick<Services, 'db' | 'ledger' | 'config'>): JobDef {
  return {
    name: 'points_expiry',
    at: { hour: 2, minute: 0 },
    async run(ctx) {
      const now = ctx.now.getTime();
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let expired = 0;
      for (;;) {
        const members = await c.db.read((q) => reads.membersWithDueLots(q, after, now, CHUNK));
        if (!members.length) break;
        for (const memberId of members) expired += await c.db.tx((q) => c.ledger.expireDueLotsIn(q, memberId, ctx.now));
        processed += members.length;
        after = members[members.length - 1];
        await ctx.checkpoint(String(after), processed);
      }
      let reminded = 0;
      // A page of the week's expiries at a time, each page's reminders in one unit of work.
      for (let after: { expiresAt: number; memberId: number } | null = null; ;) {
        const soon = await c.db.read((q) => reads.expiringBetween(q, now, now + 7 * DAY_MS, after, CHUNK));
        if (!soon.length) break;
        after = soon[soon.length - 1];
        reminded += await c.db.tx(async (q) => {
          let n = 0;
          for (const s of soon) {
            const on = businessDate(new Date(s.expiresAt - 1), c.config.businessTz);
            if (
              await enqueueIn(
                q,
                {
                  dedupeKey: `points-expiring:${s.memberId}:${on}`,
                  kind: 'points_expiring',
                  memberId: s.memberId,
                  payload: { points: s.points, expiresOn: on },
                },
                ctx.now,
              )
            )
              n++;
          }
          return n;
        });
      }
      return { processed, detail: { expiredPoints: expired, reminded } };
    },
  };
}
