import { parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { dueForEvaluation } from './store';

const CHUNK = 500;

/**
 * Nightly evaluation: every member not yet evaluated today, in chunks by id
 * (keyset cursor, checkpointed). Each member is evaluated in a unit of work of
 * its own, so one member's lock never holds up the others.
 */
export function tierEvaluationJob(c: Pick<Services, 'db' | 'tiers' | 'config'>): JobDef {
  return {
    name: 'tier_evaluation',
    at: { hour: 3, minute: 0 },
    async run(ctx) {
      const p = parseIsoDate(ctx.date)!;
      const today = startOfLocalDay(p.year, p.month, p.day, c.config.businessTz).getTime();
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      const actions: Record<string, number> = {};
      for (;;) {
        const ids = await c.db.read((q) => dueForEvaluation(q, after, today, CHUNK));
        if (!ids.length) break;
        for (const id of ids) {
          const e = await c.db.tx((q) => c.tiers.evaluateIn(q, id, ctx.now));
          actions[e.action] = (actions[e.action] ?? 0) + 1;
        }
        processed += ids.length;
        after = ids[ids.length - 1];
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: actions };
    },
  };
}
