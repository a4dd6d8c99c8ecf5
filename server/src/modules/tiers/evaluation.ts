import { evaluateTier } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import type { Evaluation, TierService } from './service';
import { nextDueAt, windowStart } from './window';
import { clearGraceOf, growthOfChunk, lockTierRows, markEvaluatedChunk } from './store-evaluation';

/**
 * Evaluates a chunk of members set-based, with the same decisions as
 * `TierService.evaluateIn` member by member. In one unit of work, under the
 * chunk's tier row locks (growth takes the same lock first, so nothing is added
 * in between): one read of the rows, one of their growth in the window, and one
 * statement for every member whose evaluation changes only bookkeeping (kept
 * tier, a running grace period, a recovered grace period cleared). A member
 * whose tier moves or whose grace period starts has effects (outbox, upgrade
 * gifts): each of those goes through `evaluateIn` in a unit of work of its own,
 * which reads everything again under the lock.
 */
export async function evaluateChunk(
  db: Database,
  tiers: TierService,
  memberIds: number[],
  now: Date,
): Promise<Evaluation[]> {
  const rules = await tiers.rules();
  const from = windowStart(now, rules.windowMonths).getTime();
  const at = now.getTime();
  const { done, changing } = await db.tx(async (q) => {
    const rows = await lockTierRows(q, memberIds);
    const growth = await growthOfChunk(q, memberIds, from);
    const due = new Map<number, number | null>();
    const recovered: number[] = [];
    const done: Evaluation[] = [];
    const changing: number[] = [];
    // The next due time, as evaluateIn's setNextDue: grace end or the oldest growth leaving the window.
    const nextDue = (oldest: number | undefined, graceUntil: number | null) =>
      nextDueAt(oldest ?? null, graceUntil, at, rules.windowMonths);
    for (const r of rows) {
      const g = growth.get(r.member_id);
      const value = Math.max(0, g?.sum ?? 0);
      const decision = evaluateTier(rules, r.tier_code, value);
      const graceUntil = r.grace_until === null ? null : Number(r.grace_until);
      if (decision.action === 'keep') {
        if (graceUntil !== null) recovered.push(r.member_id);
        due.set(r.member_id, nextDue(g?.oldest, null));
        done.push({ action: 'keep', from: r.tier_code, to: r.tier_code, growth: value });
      } else if (decision.action === 'downgrade' && graceUntil !== null && graceUntil > at) {
        due.set(r.member_id, nextDue(g?.oldest, graceUntil));
        done.push({ action: 'grace', from: r.tier_code, to: r.tier_code, growth: value });
      } else changing.push(r.member_id);
    }
    // A member without a tier row (from before tiers) gets one from evaluateIn.
    const seen = new Set(rows.map((r) => r.member_id));
    changing.push(...memberIds.filter((id) => !seen.has(id)));
    await clearGraceOf(q, recovered, now);
    await markEvaluatedChunk(q, due, now);
    return { done, changing };
  });
  for (const id of changing) done.push(await db.tx((q) => tiers.evaluateIn(q, id, now)));
  return done;
}
