import { parseIsoDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { enqueueManyIn } from '../notifications/outbox';
import { tierCodesOf } from '../tiers/store';
import { birthdaysAfter } from './store';

const CHUNK = 500;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Birthday gift: active members whose birthday is today (business date) get their
 * tier's gift points and a message, once a year (the ledger key holds the year).
 * Walks members by id in chunks (keyset cursor, checkpointed); one set-based
 * credit per chunk.
 */
export function birthdayJob(c: Pick<Services, 'db' | 'tiers' | 'ledger'>): JobDef {
  return {
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
        const chunk = await c.db.read(async (q) => {
          const ids = await birthdaysAfter(q, after, days, CHUNK);
          const tiers = await tierCodesOf(q, ids);
          return ids.map((id) => ({ id, tierCode: tiers.get(id) ?? null }));
        });
        if (!chunk.length) break;
        gifted += await c.db.tx(async (q) => {
          const ops = chunk.flatMap((m) => {
            const tier = rules.tiers.find((t) => t.code === m.tierCode) ?? rules.tiers[0];
            const points = tier.birthdayGiftPoints ?? 0;
            return points > 0
              ? [
                  {
                    key: `birthday:${p.year}:${m.id}`,
                    memberId: m.id,
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
        after = chunk[chunk.length - 1].id;
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { gifted, days } };
    },
  };
}
