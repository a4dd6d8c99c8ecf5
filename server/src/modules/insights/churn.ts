import { addDaysToIsoDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { addToCounter, counterValue } from '../caps/service';
import { giftVoucherIn } from '../benefits/issue';
import { enqueueIn } from '../notifications/outbox';
import { inactiveMembers } from './segments';

const DAY_MS = 86_400_000;
const CHUNK = 500;

/**
 * Churn warning: members with no purchase or points activity for 30 days get a
 * wake-up gift once (a free voucher of the configured benefit, if any, issued by
 * the benefits module under a per-member key, so once ever) and a message, at
 * most `churnWeeklyCap` messages per member per week (a counter with a ceiling).
 */
export function churnJob(c: Pick<Services, 'db' | 'settings'>): JobDef {
  return {
    name: 'churn',
    at: { hour: 10, minute: 0 },
    async run(ctx) {
      const cfg = await c.settings.get('notifications');
      const cutoff = ctx.now.getTime() - 30 * DAY_MS;
      const week = addDaysToIsoDate(ctx.date, -((new Date(`${ctx.date}T00:00:00Z`).getUTCDay() + 6) % 7));
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let messaged = 0;
      let gifted = 0;
      for (;;) {
        const chunk = await c.db.read((q) => inactiveMembers(q, after, cutoff, CHUNK));
        if (chunk.last === null) break;
        await c.db.tx(async (q) => {
          for (const memberId of chunk.ids) {
            let voucher: string | null = null;
            if (cfg.churnBenefitId) {
              const gift = await giftVoucherIn(q, {
                benefitId: Number(cfg.churnBenefitId),
                memberId,
                requestKey: 'churn-gift',
                now: ctx.now.getTime(),
              });
              if (gift) {
                voucher = gift.title ?? null;
                gifted++;
              }
            }
            if (cfg.churnWeeklyCap <= 0) continue;
            // Weekly cap: count only messages actually queued (a re-run of the day queues nothing new).
            if ((await counterValue(q, 'churn_message', memberId, week)) >= cfg.churnWeeklyCap) continue;
            const queued = await enqueueIn(
              q,
              { dedupeKey: `churn:${memberId}:${ctx.date}`, kind: 'churn_wakeup', memberId, payload: { voucher } },
              ctx.now,
            );
            if (queued) {
              await addToCounter(q, 'churn_message', memberId, week, 1);
              messaged++;
            }
          }
        });
        processed += chunk.ids.length;
        after = chunk.last;
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { messaged, gifted } };
    },
  };
}
