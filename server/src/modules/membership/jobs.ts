import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { enqueueManyIn } from '../notifications/outbox';
import { businessDate } from '@huiyuan/shared';
import { writePackGrantIn } from './pack';
import * as store from './store';

const CHUNK = 500;

/**
 * Ends memberships whose paid time is over: marks them expired a chunk at a time
 * (rows locked, flipped by a guarded update) and tells each member in the same
 * unit of work (inbox and WeChat, one message per end, de-duplicated by key).
 * Benefits already stop at the end by time when read; this makes the state and
 * the message follow. Runs every day and by hand.
 */
export function membershipExpiryJob(c: Pick<Services, 'db' | 'config'>): JobDef {
  return {
    name: 'membership_expiry',
    at: { hour: 0, minute: 10 },
    async run(ctx) {
      let processed = 0;
      for (;;) {
        const n = await c.db.tx(async (q) => {
          const now = ctx.now.getTime();
          const due = await store.dueToExpireIn(q, now, CHUNK);
          if (!due.length) return 0;
          await store.markExpiredIn(
            q,
            due.map((s) => Number(s.member_id)),
            now,
          );
          const plans = new Map((await store.plansIn(q)).map((p) => [Number(p.id), p.title]));
          await enqueueManyIn(
            q,
            due.map((s) => ({
              dedupeKey: `membership_expired:${s.member_id}:${s.ends_at}`,
              kind: 'membership_expired' as const,
              memberId: Number(s.member_id),
              payload: {
                planTitle: plans.get(Number(s.plan_id)) ?? '付费会员',
                endDate: businessDate(new Date(Number(s.ends_at)), c.config.businessTz),
                endsAt: new Date(Number(s.ends_at)).toISOString(),
              },
            })),
            ctx.now,
          );
          return due.length;
        });
        if (!n) break;
        processed += n;
        await ctx.checkpoint(String(processed), processed);
      }
      return { processed };
    },
  };
}

/**
 * The monthly pack of paid plans: every day, each member paid up now whose plan
 * names a pack rule gets this business month's grant unless they have it (the
 * grant's unique key), so the 1st, a missed day or a rerun give once. The gifts
 * worker gives the grants (stock, limits, validity). Cursor: member id.
 */
export function membershipPackJob(c: Pick<Services, 'db'>): JobDef {
  return {
    name: 'membership_packs',
    at: { hour: 0, minute: 40 },
    async run(ctx) {
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let grants = 0;
      for (;;) {
        const rows = await c.db.read((q) => store.packMembersAfterIn(q, after, ctx.now.getTime(), CHUNK));
        if (!rows.length) break;
        const byRule = new Map<number, number[]>();
        for (const r of rows)
          byRule.set(Number(r.rule_id), [...(byRule.get(Number(r.rule_id)) ?? []), Number(r.member_id)]);
        grants += await c.db.tx(async (q) => {
          let n = 0;
          for (const [ruleId, ids] of byRule) n += await writePackGrantIn(q, ruleId, ids, ctx.date, ctx.now.getTime());
          return n;
        });
        processed += rows.length;
        after = Number(rows[rows.length - 1].member_id);
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { grants } };
    },
  };
}
