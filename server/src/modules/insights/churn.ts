import { type ChurnRules } from '@huiyuan/shared';
import type { JobContext, JobDef } from '../../jobs/runner';
import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import type { Services } from '../services';
import { addToCounter, counterValue } from '../caps/service';
import { giftVoucherIn } from '../benefits/issue';
import { insertGrantsIn, ruleIn, type RuleRow } from '../gifts/store';
import { enqueueIn } from '../notifications/outbox';
import { activityAfter, fillLastActive, lastActiveOf, type ActivityRow } from '../members/store-activity';
import { lastActivity } from '../points/store-reads';
import { daysBetween, fallbackLastActive, stageFor, weekOf } from './churn-rules';
import {
  enteredStages,
  insertEntries,
  markRecovered,
  openEntriesAfter,
  setDetail,
  type NewChurnEntry,
} from './store-churn';

const CHUNK = 500;

/** The gift rule a stage names, when it is enabled and meant for churn; otherwise the stage's voucher applies. */
async function churnRuleIn(q: Q, id: string, seen: Map<string, RuleRow | null>) {
  if (!seen.has(id)) {
    const rule = await ruleIn(q, Number(id));
    seen.set(id, rule && rule.status === 'enabled' && rule.trigger_kind === 'churn' ? rule : null);
  }
  return seen.get(id)!;
}

type Deps = Pick<Services, 'db' | 'settings' | 'config'>;

/**
 * Staged churn, nightly. Two passes, each in checkpointed chunks by id:
 * 1. recovery: open stage entries whose member has been active since the episode
 *    began are closed with the date of that activity;
 * 2. stages: each active member's quiet days (business days since the last
 *    activity) put them in a stage (`insights.churn`); a stage not yet entered in
 *    this episode is entered (one multi-row insert per chunk; the unique key means
 *    a concurrent run that inserted first makes this chunk run again and see its
 *    rows), and its action happens in the same unit of work: a nudge message, a gift
 *    (a gift rule's pending grant when the stage names one, else a voucher) with a
 *    message, or the dormant mark. Messages stay within the weekly cap.
 */
export function churnJob(c: Deps): JobDef {
  return {
    name: 'churn',
    at: { hour: 10, minute: 0 },
    run: (ctx) => runChurn(c, ctx),
  };
}

export async function runChurn(
  c: Deps,
  ctx: Pick<JobContext, 'now' | 'date' | 'resumeFrom' | 'checkpoint'>,
): Promise<{ processed: number; detail: Record<string, unknown> }> {
  const rules = await c.settings.get('insights.churn');
  const cfg = await c.settings.get('notifications');
  const [phase, from] = (ctx.resumeFrom ?? 'r:0').split(':');
  let processed = 0;
  let recovered = 0;
  const tally: Record<string, number> = {};
  if (phase === 'r') {
    for (let after = Number(from); ;) {
      const open = await c.db.read((q) => openEntriesAfter(q, after, CHUNK));
      if (!open.length) break;
      recovered += await c.db.tx((q) => recoverIn(q, open));
      after = open[open.length - 1].id;
      await ctx.checkpoint(`r:${after}`, processed);
    }
  }
  for (let after = phase === 's' ? Number(from) : 0; ;) {
    const rows = await c.db.read((q) => activityAfter(q, after, CHUNK));
    if (!rows.length) break;
    const known = await knownLastActive(c, rows);
    const out = await c.db.tx((q) => enterStagesIn(q, rules, cfg, known, ctx.now, ctx.date));
    for (const [k, n] of Object.entries(out)) tally[k] = (tally[k] ?? 0) + n;
    processed += rows.length;
    after = rows[rows.length - 1].id;
    await ctx.checkpoint(`s:${after}`, processed);
  }
  return { processed, detail: { recovered, ...tally } };
}

/** Closes the entries whose member was active after the episode's date; returns how many. */
async function recoverIn(q: Q, open: { id: number; memberId: number; episode: string }[]): Promise<number> {
  const last = await lastActiveOf(
    q,
    open.map((e) => e.memberId),
  );
  const byDate = new Map<string, number[]>();
  for (const e of open) {
    const d = last.get(e.memberId);
    if (d && d > e.episode) byDate.set(d, [...(byDate.get(d) ?? []), e.id]);
  }
  let n = 0;
  for (const [date, ids] of byDate) n += await markRecovered(q, ids, date);
  return n;
}

/** Members with their last active date; those without one get it from their history, written back once. */
async function knownLastActive(c: Deps, rows: ActivityRow[]): Promise<(ActivityRow & { lastActiveOn: string })[]> {
  const missing = rows.filter((r) => r.lastActiveOn === null);
  if (missing.length) {
    const fromLedger = await c.db.read((q) =>
      lastActivity(
        q,
        missing.map((r) => r.id),
      ),
    );
    const fills = missing.map((r) => ({
      id: r.id,
      date: fallbackLastActive(r.createdAt, fromLedger.get(r.id), c.config.businessTz),
    }));
    await c.db.tx((q) => fillLastActive(q, fills));
    const filled = new Map(fills.map((f) => [f.id, f.date]));
    return rows.map((r) => ({ ...r, lastActiveOn: r.lastActiveOn ?? filled.get(r.id)! }));
  }
  return rows as (ActivityRow & { lastActiveOn: string })[];
}

async function enterStagesIn(
  q: Q,
  rules: ChurnRules,
  cfg: { churnWeeklyCap: number; churnBenefitId: string | null },
  rows: (ActivityRow & { lastActiveOn: string })[],
  now: Date,
  today: string,
): Promise<Record<string, number>> {
  const due = rows
    .map((r) => ({ r, stage: stageFor(rules, daysBetween(r.lastActiveOn, today)) }))
    .filter((x): x is { r: (typeof rows)[number]; stage: NonNullable<typeof x.stage> } => x.stage !== null);
  if (!due.length) return {};
  const done = await enteredStages(
    q,
    due.map((x) => ({ memberId: x.r.id, episode: x.r.lastActiveOn })),
  );
  const fresh = due.filter((x) => !done.has(`${x.r.id}:${x.r.lastActiveOn}:${x.stage.code}`));
  if (!fresh.length) return {};
  const entries: NewChurnEntry[] = fresh.map((x) => ({
    memberId: x.r.id,
    episode: x.r.lastActiveOn,
    stage: x.stage.code,
    enteredOn: today,
    action: x.stage.action,
    storeId: x.r.lastOrderStoreId,
    detail: null,
  }));
  try {
    await insertEntries(q, entries, now.getTime());
  } catch (err) {
    // Another run entered some of these first: run the chunk again, it will see them and skip them.
    if (isDuplicateKey(err)) throw new RetryTransaction('churn stage entered meanwhile');
    throw err;
  }
  const tally: Record<string, number> = {};
  const week = weekOf(today);
  const seen = new Map<string, RuleRow | null>();
  for (const { r, stage } of fresh) {
    tally[stage.code] = (tally[stage.code] ?? 0) + 1;
    if (stage.action === 'dormant') continue;
    let voucher: string | null = null;
    const rule = stage.action === 'gift' && stage.giftRuleId ? await churnRuleIn(q, stage.giftRuleId, seen) : null;
    const benefitId = stage.action === 'gift' && !rule ? (stage.benefitId ?? cfg.churnBenefitId) : null;
    if (rule) {
      // A gift rule's grant, given by the gift worker (stock and the member's message are the gifts module's).
      await insertGrantsIn(
        q,
        [
          {
            ruleId: Number(rule.id),
            memberId: r.id,
            occurrence: `${stage.code}:${r.lastActiveOn}`,
            trigger: 'churn',
            points: Number(rule.points),
            vouchersJson: rule.vouchers_json,
          },
        ],
        now.getTime(),
      );
      await setDetail(q, r.id, r.lastActiveOn, stage.code, `gift_rule:${rule.id}`);
      tally.gifted = (tally.gifted ?? 0) + 1;
    } else if (benefitId) {
      const gift = await giftVoucherIn(q, {
        benefitId: Number(benefitId),
        memberId: r.id,
        requestKey: `churn:${stage.code}:${r.lastActiveOn}`,
        now: now.getTime(),
      });
      if (gift) {
        voucher = gift.title ?? null;
        await setDetail(q, r.id, r.lastActiveOn, stage.code, `voucher:${gift.id}`);
        tally.gifted = (tally.gifted ?? 0) + 1;
      }
    }
    if (cfg.churnWeeklyCap <= 0) continue;
    // The weekly cap counts messages actually queued; over it the stage is still entered, without a message.
    if ((await counterValue(q, 'churn_message', r.id, week)) >= cfg.churnWeeklyCap) {
      tally.capped = (tally.capped ?? 0) + 1;
      continue;
    }
    const queued = await enqueueIn(
      q,
      {
        dedupeKey: `churn:${r.id}:${stage.code}:${r.lastActiveOn}`,
        kind: 'churn_wakeup',
        memberId: r.id,
        payload: { voucher, stage: stage.code },
      },
      now,
    );
    if (queued) {
      await addToCounter(q, 'churn_message', r.id, week, 1);
      tally.messaged = (tally.messaged ?? 0) + 1;
    }
  }
  return tally;
}
