import { addDaysToIsoDate } from '@huiyuan/shared';
import { addToCounter, counterValue } from '../modules/caps/service';
import type { Services } from '../modules/services';
import { giftVoucherIn } from '../modules/benefits/issue';
import { enqueueIn } from '../modules/notifications/outbox';
import type { JobDef } from './runner';

const DAY_MS = 86_400_000;
const CHUNK = 500;

/**
 * Churn warning: members with no purchase or points activity for 30 days get a
 * wake-up gift once (a free voucher of the configured benefit, if any, keyed by
 * member so it is issued once ever) and a message, at most `churnWeeklyCap`
 * messages per member per week (a counter with a ceiling).
 */
export function churnJob(c: Services): JobDef {
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
        const rows = await c.db.read((q) =>
          q.all<{ id: number }>(
            `SELECT m.id FROM members m WHERE m.id > ? AND m.status = 'active' AND m.created_at < ?
             AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.member_id = m.id AND e.type IN ('credit', 'debit', 'adjust') AND e.created_at >= ?)
             AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.created_at >= ?)
           ORDER BY m.id LIMIT ${CHUNK}`,
            [after, cutoff, cutoff, cutoff],
          ),
        );
        if (!rows.length) break;
        await c.db.tx(async (q) => {
          for (const { id } of rows) {
            const memberId = Number(id);
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
            const thisWeek = await counterValue(q, 'churn_message', memberId, week);
            if (thisWeek >= cfg.churnWeeklyCap) continue;
            if (
              await enqueueIn(
                q,
                { dedupeKey: `churn:${memberId}:${ctx.date}`, kind: 'churn_wakeup', memberId, payload: { voucher } },
                ctx.now,
              )
            ) {
              await addToCounter(q, 'churn_message', memberId, week, 1);
              messaged++;
            }
          }
        });
        processed += rows.length;
        after = Number(rows[rows.length - 1].id);
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { messaged, gifted } };
    },
  };
}
