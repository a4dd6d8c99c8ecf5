import { parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { JobContext, JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import type { Evaluation } from './service';
import { evaluateChunk } from './evaluation';
import { dueForEvaluation, duePage } from './store';

const CHUNK = 1000;
const DAY_MS = 86_400_000;
/** A change of the tier rules within this long makes the scheduled run a full pass (covers a missed night). */
const RULES_CHANGED_WITHIN_MS = 2 * DAY_MS;

type Deps = Pick<Services, 'db' | 'tiers' | 'config' | 'settings'>;

/**
 * Nightly evaluation. The scheduled run visits only the members whose tier could
 * change by now (`member_tiers.due_at`: growth leaving the window, a grace period
 * ending, a refund or growth during grace), oldest due first. A run by hand, or
 * the first nights after the tier rules changed, is the full pass: every member
 * not yet evaluated today, in chunks by id. Either way a chunk is evaluated
 * set-based (evaluation.ts): one unit of work for the members whose tier stays,
 * one each for those whose tier moves or grace period starts; the evaluation
 * sets each member's next due time.
 */
export function tierEvaluationJob(c: Deps): JobDef {
  return {
    name: 'tier_evaluation',
    at: { hour: 3, minute: 0 },
    async run(ctx) {
      const changed = await c.settings.changedAt('tiers.rules');
      const rulesChanged = changed !== null && changed > ctx.now.getTime() - RULES_CHANGED_WITHIN_MS;
      return ctx.scheduled && !rulesChanged ? duePass(c, ctx) : fullPass(c, ctx);
    },
  };
}

const tally = (actions: Record<string, number>, e: Evaluation) => {
  actions[e.action] = (actions[e.action] ?? 0) + 1;
};

/** Members due by now. Each evaluated member's due time moves past now, so it leaves the set. */
async function duePass(c: Deps, ctx: JobContext) {
  const actions: Record<string, number> = {};
  let processed = 0;
  for (let after: { due: number; id: number } | null = null; ;) {
    const page = await c.db.read((q) => duePage(q, ctx.now.getTime(), after, CHUNK));
    const evaluated = await evaluateChunk(
      c.db,
      c.tiers,
      page.map((p) => p.memberId),
      ctx.now,
    );
    for (const e of evaluated) tally(actions, e);
    processed += page.length;
    if (page.length < CHUNK) break;
    after = { due: page[page.length - 1].due, id: page[page.length - 1].memberId };
    await ctx.checkpoint('due', processed);
  }
  return { processed, detail: { mode: 'due', ...actions } };
}

/** Every member not evaluated today, by id (keyset cursor, checkpointed). */
async function fullPass(c: Deps, ctx: JobContext) {
  const p = parseIsoDate(ctx.date)!;
  const today = startOfLocalDay(p.year, p.month, p.day, c.config.businessTz).getTime();
  let after = Number(ctx.resumeFrom) || 0;
  let processed = 0;
  const actions: Record<string, number> = {};
  for (;;) {
    const ids = await c.db.read((q) => dueForEvaluation(q, after, today, CHUNK));
    if (!ids.length) break;
    for (const e of await evaluateChunk(c.db, c.tiers, ids, ctx.now)) tally(actions, e);
    processed += ids.length;
    after = ids[ids.length - 1];
    await ctx.checkpoint(String(after), processed);
  }
  return { processed, detail: { mode: 'full', ...actions } };
}
