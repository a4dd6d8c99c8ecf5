import { tierFor, type TierRules } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { growthOfMembers, tierRowsAfter } from './store';
import { windowStart } from './window';

const PAGE = 1000;

/**
 * Reconcile check: upgrades happen at once and downgrades only at evaluation, so
 * a stored tier is never below the tier its growth earns in the window that ends
 * at the member's last growth or evaluation (whichever is later). Walks the tier
 * rows a page at a time; returns at most `limit` offenders.
 */
export async function tiersBelowEarned(q: Q, rules: TierRules, limit: number): Promise<Record<string, unknown>[]> {
  const rank = (code: string) => rules.tiers.findIndex((x) => x.code === code);
  const bad: Record<string, unknown>[] = [];
  for (let after = 0; bad.length < limit;) {
    const tiers = await tierRowsAfter(q, after, PAGE);
    if (!tiers.length) break;
    after = tiers[tiers.length - 1].memberId;
    const byMember = await growthOfMembers(
      q,
      tiers.map((t) => t.memberId),
    );
    for (const t of tiers) {
      const list = byMember.get(t.memberId) ?? [];
      if (!list.length) continue;
      const end = Math.max(t.evaluatedAt ?? 0, ...list.map((e) => e.at));
      const from = windowStart(new Date(end), rules.windowMonths).getTime();
      const growth = Math.max(
        0,
        list.filter((e) => e.at >= from && e.at <= end).reduce((sum, e) => sum + e.delta, 0),
      );
      const earned = tierFor(rules, growth).code;
      if (rank(t.tierCode) < rank(earned)) bad.push({ member_id: t.memberId, stored: t.tierCode, earned, growth });
    }
  }
  return bad.slice(0, limit);
}
