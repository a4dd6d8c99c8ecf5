import { businessDate, parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { Services } from '../modules/services';
import { placeholders } from '../db/database';
import { enqueueIn, enqueueManyIn } from '../modules/notifications/outbox';
import type { JobDef } from './runner';
import { churnJob } from './churn';
import { tierEvaluationJob } from '../modules/tiers/jobs';

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

  const pointsExpiry: JobDef = {
    name: 'points_expiry',
    at: { hour: 2, minute: 0 },
    async run(ctx) {
      const now = ctx.now.getTime();
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let expired = 0;
      for (;;) {
        const members = await c.db.read((q) =>
          q.all<{ member_id: number }>(
            `SELECT DISTINCT member_id FROM points_lots WHERE member_id > ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY member_id LIMIT ${CHUNK}`,
            [after, now],
          ),
        );
        if (!members.length) break;
        for (const m of members)
          expired += await c.db.tx((q) => c.ledger.expireDueLotsIn(q, Number(m.member_id), ctx.now));
        processed += members.length;
        after = Number(members[members.length - 1].member_id);
        await ctx.checkpoint(String(after), processed);
      }
      // Reminders a week ahead, one per member and expiry day.
      const soon = await c.db.read((q) =>
        q.all<{ member_id: number; expires_at: number; points: number }>(
          `SELECT member_id, expires_at, SUM(remaining) AS points FROM points_lots
          WHERE remaining > 0 AND expires_at > ? AND expires_at <= ? GROUP BY member_id, expires_at`,
          [now, now + 7 * DAY_MS],
        ),
      );
      let reminded = 0;
      for (let i = 0; i < soon.length; i += CHUNK) {
        reminded += await c.db.tx(async (q) => {
          let n = 0;
          for (const s of soon.slice(i, i + CHUNK)) {
            const on = businessDate(new Date(Number(s.expires_at) - 1), c.config.businessTz);
            if (
              await enqueueIn(
                q,
                {
                  dedupeKey: `points-expiring:${s.member_id}:${on}`,
                  kind: 'points_expiring',
                  memberId: Number(s.member_id),
                  payload: { points: Number(s.points), expiresOn: on },
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
    pointsExpiry,
    voucherExpiry,
    tierEvaluationJob(c),
    churnJob(c),
    {
      name: 'segments',
      at: { hour: 4, minute: 0 },
      run: async () => ({ processed: (await c.segments.compute()).members }),
    },
    {
      name: 'referral_settle',
      at: { hour: 5, minute: 0 },
      run: async () => ({ processed: await c.referrals.settleDue() }),
    },
    {
      name: 'outbox',
      at: null,
      run: async () => {
        const r = await c.outbox.drain();
        return { processed: r.claimed, detail: { ...r } };
      },
    },
  ];
}
