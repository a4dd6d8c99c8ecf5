import { businessDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { enqueueIn } from '../notifications/outbox';
import { markExpiredIn, unusedExpiringIn, unusedPastDateIn } from './store-vouchers';

const CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Nightly voucher expiry: marks unused vouchers past their date expired in chunks
 * (each chunk's update re-checks the status, so a write-off or cancellation that
 * won the race is left alone), then reminds members of vouchers ending within 3
 * days, once per voucher (the outbox de-duplicates on the voucher's key).
 */
export function voucherExpiryJob(c: Pick<Services, 'db' | 'config'>): JobDef {
  return {
    name: 'voucher_expiry',
    at: { hour: 2, minute: 30 },
    async run(ctx) {
      const now = ctx.now.getTime();
      let expired = 0;
      for (;;) {
        const ids = await c.db.read((q) => unusedPastDateIn(q, now, CHUNK));
        if (!ids.length) break;
        expired += await c.db.tx((q) => markExpiredIn(q, ids, now));
        // Expired vouchers leave the set, so a rerun resumes by itself; this stops a run that lost its lease.
        await ctx.checkpoint('expire', expired);
      }
      let reminded = 0;
      // A page of reminders at a time, each page in one unit of work.
      for (let after: { validUntil: number; id: number } | null = null; ;) {
        const soon = await c.db.read((q) => unusedExpiringIn(q, now, now + 3 * DAY_MS, after, CHUNK));
        if (!soon.length) break;
        const last = soon[soon.length - 1];
        after = { validUntil: Number(last.valid_until), id: Number(last.id) };
        await c.db.tx(async (q) => {
          for (const v of soon) {
            const until = businessDate(new Date(Number(v.valid_until) - 1), c.config.businessTz);
            if (
              await enqueueIn(
                q,
                {
                  dedupeKey: `voucher-expiring:${v.id}`,
                  kind: 'voucher_expiring',
                  memberId: Number(v.member_id),
                  payload: { title: v.title, validUntil: until },
                },
                ctx.now,
              )
            )
              reminded++;
          }
        });
      }
      return { processed: expired, detail: { expired, reminded } };
    },
  };
}
