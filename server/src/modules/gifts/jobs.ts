import { parseIsoDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { enqueueManyIn } from '../notifications/outbox';
import { tierCodesOf, membersInTierAfter } from '../tiers/store';
import { accountStates, birthdaysAfter } from '../members/store';
import { giveGrantsIn } from './grant';
import { monthOf, TIER_BIRTHDAY_RULE, yearOf } from './rules';
import * as store from './store';

const CHUNK = 500;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

type Deps = Pick<Services, 'db' | 'tiers' | 'ledger'>;

/**
 * Birthday gifts: active members whose birthday is today (business date; Feb 29
 * on Feb 28 in non-leap years) get, once a year, their tier's birthday points
 * (tier settings; ledger key and message as always) and every enabled `birthday`
 * rule for their tier. Walks members by id in chunks (keyset cursor,
 * checkpointed); each chunk writes its grants and gives them in one unit of work,
 * points as one set-based credit per rule.
 */
export function birthdayJob(c: Deps): JobDef {
  return {
    name: 'birthday',
    at: { hour: 9, minute: 0 },
    async run(ctx) {
      const p = parseIsoDate(ctx.date)!;
      const mmdd = ctx.date.slice(5);
      const days = mmdd === '02-28' && !isLeap(p.year) ? ['02-28', '02-29'] : [mmdd];
      const year = yearOf(ctx.date);
      const tierRules = await c.tiers.rules();
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let gifted = 0;
      let grants = 0;
      for (;;) {
        const chunk = await c.db.read(async (q) => {
          const ids = await birthdaysAfter(q, after, days, CHUNK);
          const tiers = await tierCodesOf(q, ids);
          return ids.map((id) => ({
            id,
            tier: tierRules.tiers.find((t) => t.code === tiers.get(id)) ?? tierRules.tiers[0],
          }));
        });
        if (!chunk.length) break;
        const done = await c.db.tx(async (q) => {
          const rules = await store.enabledRulesIn(q, 'birthday');
          const news: store.NewGrant[] = chunk.flatMap((m) =>
            [
              ...((m.tier.birthdayGiftPoints ?? 0) > 0
                ? [
                    {
                      ruleId: TIER_BIRTHDAY_RULE,
                      memberId: m.id,
                      points: m.tier.birthdayGiftPoints ?? 0,
                      vouchersJson: '[]',
                    },
                  ]
                : []),
              ...rules
                .filter((r) => r.tier_code === null || r.tier_code === m.tier.code)
                .map((r) => ({
                  ruleId: Number(r.id),
                  memberId: m.id,
                  points: Number(r.points),
                  vouchersJson: r.vouchers_json,
                })),
            ].map((g) => ({ ...g, occurrence: year, trigger: 'birthday' })),
          );
          await store.insertGrantsIn(q, news, ctx.now.getTime());
          const ids = chunk.map((m) => m.id);
          const given = [];
          for (const ruleId of [TIER_BIRTHDAY_RULE, ...rules.map((r) => Number(r.id))])
            given.push(
              ...(await giveGrantsIn(q, c.ledger, await store.pendingOfMembersIn(q, ruleId, year, ids), ctx.now)),
            );
          // The tier's birthday points keep their message; only members credited now (not replays) get one.
          const tierOf = new Map(chunk.map((m) => [m.id, m.tier.name]));
          const credited = given.filter((g) => Number(g.grant.rule_id) === TIER_BIRTHDAY_RULE && g.credited);
          await enqueueManyIn(
            q,
            credited.map((g) => ({
              dedupeKey: `birthday:${year}:${g.grant.member_id}`,
              kind: 'birthday_gift' as const,
              memberId: Number(g.grant.member_id),
              payload: { points: Number(g.grant.points), tier: tierOf.get(Number(g.grant.member_id)) },
            })),
            ctx.now,
          );
          return { gifted: credited.length, grants: given.length };
        });
        gifted += done.gifted;
        grants += done.grants;
        processed += chunk.length;
        after = chunk[chunk.length - 1].id;
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { gifted, grants, days } };
    },
  };
}

/**
 * Monthly packs: on the 1st of the month (business date) every enabled
 * `monthly_pack` rule gives its pack to the active members of its tier, once per
 * member and month (occurrence YYYY-MM), so a rerun or a second instance gives
 * nothing twice. A run by hand on a later day gives the current month's pack to
 * whoever has not had it (catching up after a missed 1st). Walks each rule's tier
 * by member id in chunks; the cursor is `<rule id>:<member id>`.
 */
export function monthlyPackJob(c: Deps): JobDef {
  return {
    name: 'gift_monthly_pack',
    at: { hour: 0, minute: 30 },
    async run(ctx) {
      const month = monthOf(ctx.date);
      if (ctx.scheduled && !ctx.date.endsWith('-01'))
        return { processed: 0, detail: { month, skipped: 'not the first of the month' } };
      const rules = await c.db.read((q) => store.enabledRulesIn(q, 'monthly_pack'));
      const [resumeRule, resumeMember] = (ctx.resumeFrom ?? '0:0').split(':').map(Number);
      const tally = { granted: 0, partial: 0, skipped: 0 };
      let processed = 0;
      for (const rule of rules.filter((r) => Number(r.id) >= resumeRule)) {
        let after = Number(rule.id) === resumeRule ? resumeMember : 0;
        for (;;) {
          const ids = await c.db.read(async (q) => {
            const inTier = await membersInTierAfter(q, rule.tier_code!, after, CHUNK);
            const active = new Set(
              (await accountStates(q, inTier)).filter((a) => a.status === 'active').map((a) => Number(a.id)),
            );
            return { inTier, active: inTier.filter((id) => active.has(id)) };
          });
          if (!ids.inTier.length) break;
          const given = await c.db.tx(async (q) => {
            await store.insertGrantsIn(
              q,
              ids.active.map((memberId) => ({
                ruleId: Number(rule.id),
                memberId,
                occurrence: month,
                trigger: 'monthly_pack',
                points: Number(rule.points),
                vouchersJson: rule.vouchers_json,
              })),
              ctx.now.getTime(),
            );
            const pending = await store.pendingOfMembersIn(q, Number(rule.id), month, ids.active);
            return giveGrantsIn(q, c.ledger, pending, ctx.now);
          });
          for (const g of given) tally[g.status]++;
          processed += ids.inTier.length;
          after = ids.inTier[ids.inTier.length - 1];
          await ctx.checkpoint(`${rule.id}:${after}`, processed);
        }
      }
      return { processed, detail: { month, rules: rules.length, ...tally } };
    },
  };
}

/** Gives pending grants now (the server also does it every few seconds on its own). */
export function giftGrantsJob(c: Pick<Services, 'gifts'>): JobDef {
  return {
    name: 'gift_grants',
    at: null,
    run: async (ctx) => {
      const r = await c.gifts.drain(10_000, ctx.signal);
      return { processed: r.claimed, detail: { ...r } };
    },
  };
}
