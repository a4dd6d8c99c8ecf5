import { businessDate, parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { Services } from '../modules/services';
import { placeholders } from '../db/database';
import { enqueueIn, enqueueManyIn } from '../modules/notifications/outbox';
import type { JobDef } from './runner';
import { churnJob, segmentsJob } from '../modules/insights/jobs';
import { outboxJob } from '../modules/notifications/jobs';
import { tierEvaluationJob } from '../modules/tiers/jobs';
import { pointsExpiryJob } from '../modules/points/jobs';
import { voucherExpiryJob } from '../modules/benefits/jobs';

const CHUNK = 500;
const DAY_MS = 86_400_000;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The scheduled jobs. Each walks members by id in chunks (keyset cursor, checkpointed) and is idempotent. */
export function jobDefinitions(c: Services): JobDef[] {
  const dayStart = (date: string) => {
    const p = parseIsoDate(date)!;
    return startOfLocalDay(p.year, p.month, p.day, c.config.businessTz).getTime();
  };

  const birthday: JobDef = {
    name: 'birthday',
    at: { hour: 9, minute: 0 },
    async run(ctx) {
      const p = parseIsoDate(ctx.date)!;
      const mmdd = ctx.date.slice(5);
      // Feb 29 birthdays are celebrated on Feb 28 in non-leap years.
      const days = mmdd === '02-28' && !isLeap(p.year) ? ['02-28', '02-29'] : [mmdd];
      const rules = await c.tiers.rules();
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let gifted = 0;
      for (;;) {
        const chunk = await c.db.read((q) =>
          q.all<{ id: number; tier_code: string | null }>(
            `SELECT m.id, t.tier_code FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id
            WHERE m.id > ? AND m.status = 'active' AND m.birthday IS NOT NULL AND SUBSTR(m.birthday, 6, 5) IN (${placeholders(days.length)})
            ORDER BY m.id LIMIT ${CHUNK}`,
            [after, ...days],
          ),
        );
        if (!chunk.length) break;
        gifted += await c.db.tx(async (q) => {
          const ops = chunk.flatMap((m) => {
            const tier = rules.tiers.find((t) => t.code === m.tier_code) ?? rules.tiers[0];
            const points = tier.birthdayGiftPoints ?? 0;
            return points > 0
              ? [
                  {
                    key: `birthday:${p.year}:${m.id}`,
                    memberId: Number(m.id),
                    points,
                    type: 'credit' as const,
                    reason: 'birthday_gift',
                    ref: `birthday:${p.year}`,
                    tier: tier.name,
                  },
                ]
              : [];
          });
          // One set-based credit for the chunk; only members credited now (not replays) get a message.
          const credited = await c.ledger.creditBatchIn(q, ops);
          await enqueueManyIn(
            q,
            ops
              .filter((op) => credited.has(op.key))
              .map((op) => ({
                dedupeKey: op.key,
                kind: 'birthday_gift' as const,
                memberId: op.memberId,
                payload: { points: op.points, tier: op.tier },
              })),
            ctx.now,
          );
          return credited.size;
        });
        processed += chunk.length;
        after = Number(chunk[chunk.length - 1].id);
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { gifted, days } };
    },
  };

  const voucherExpiry: JobDef = {
    name: 'voucher_expiry',
    at: { hour: 2, minute: 30 },
    async run(ctx) {
      const now = ctx.now.getTime();
      let expired = 0;
      for (;;) {
        const ids = await c.db.read((q) =>
          q.all<{ id: number }>(
            `SELECT id FROM vouchers WHERE status = 'unused' AND valid_until <= ? ORDER BY id LIMIT ${CHUNK}`,
            [now],
          ),
        );
        if (!ids.length) break;
        expired += await c.db.tx((q) =>
          q.exec(
            `UPDATE vouchers SET status = 'expired' WHERE status = 'unused' AND valid_until <= ? AND id IN (${placeholders(ids.length)})`,
            [now, ...ids.map((r) => r.id)],
          ),
        );
      }
      const soon = await c.db.read((q) =>
        q.all<{ id: number; member_id: number; title: string; valid_until: number }>(
          "SELECT v.id, v.member_id, b.title, v.valid_until FROM vouchers v JOIN benefits b ON b.id = v.benefit_id WHERE v.status = 'unused' AND v.valid_until > ? AND v.valid_until <= ?",
          [now, now + 3 * DAY_MS],
        ),
      );
      let reminded = 0;
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
      return { processed: expired, detail: { expired, reminded } };
    },
  };

  return [
    birthday,
    pointsExpiryJob(c),
    voucherExpiry,
    tierEvaluationJob(c),
    churnJob(c),
    segmentsJob(c),
    {
      name: 'referral_settle',
      at: { hour: 5, minute: 0 },
      run: async () => ({ processed: await c.referrals.settleDue() }),
    },
    outboxJob(c),
  ];
}
