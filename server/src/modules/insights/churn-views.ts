import { businessDate, maskName, type ChurnStage } from '@huiyuan/shared';
import type { Services } from '../services';
import { nicknamesOf } from '../members/store';
import { lastActiveOf } from '../members/store-activity';
import { listStores } from '../staff/store';
import { callListOf, callListSizes, stageCounts } from './store-churn';
import { callListStages, daysBetween, recoveredWithin } from './churn-rules';

type Deps = Pick<Services, 'db' | 'settings' | 'clock' | 'config'>;

/**
 * The console's churn view: per configured stage, members in it now (entered and
 * not active since), entries in the range and how many of them were active again
 * within the recovery days; the size of each store's call list.
 */
export async function churnStats(c: Deps, from: string, to: string) {
  const rules = await c.settings.get('insights.churn');
  return c.db.read(async (q) => {
    const counts = await stageCounts(q, from, to);
    const sizes = await callListSizes(q, callListStages(rules));
    const stores = await listStores(q);
    return {
      range: { from, to },
      recoveryDays: rules.recoveryDays,
      stages: rules.stages.map((s) => {
        const x = counts.get(s.code);
        const entered = x?.entered ?? 0;
        const recovered = (x?.recovered ?? []).filter((r) =>
          recoveredWithin(r.enteredOn, r.recoveredOn, rules.recoveryDays),
        ).length;
        return {
          code: s.code,
          fromDays: s.fromDays,
          action: s.action,
          current: x?.open ?? 0,
          entered,
          recovered,
          recoveryRate: entered > 0 ? Math.round((recovered / entered) * 10_000) / 10_000 : 0,
        };
      }),
      callLists: stores
        .filter((s) => sizes.has(Number(s.id)))
        .map((s) => ({ storeId: String(s.id), name: s.name, members: sizes.get(Number(s.id))! })),
    };
  });
}

/**
 * A store's call list: members in a call-list stage whose last order was at the
 * store, longest quiet first, names masked (staff phone them from the member's
 * record, not from this list).
 */
export async function callList(c: Deps, storeId: number, limit: number) {
  const rules = await c.settings.get('insights.churn');
  const today = businessDate(c.clock.now(), c.config.businessTz);
  return c.db.read(async (q) => {
    const rows = await callListOf(q, storeId, callListStages(rules), limit * 2);
    const seen = new Set<number>();
    const unique = rows.filter((r) => !seen.has(r.memberId) && !!seen.add(r.memberId)).slice(0, limit);
    const ids = unique.map((r) => r.memberId);
    const names = await nicknamesOf(q, ids);
    const last = await lastActiveOf(q, ids);
    return {
      storeId: String(storeId),
      items: unique.map((r) => {
        const lastActiveOn = last.get(r.memberId) ?? null;
        return {
          memberId: String(r.memberId),
          maskedName: maskName(names.get(r.memberId) ?? null),
          stage: r.stage as ChurnStage,
          lastActiveOn,
          quietDays: daysBetween(lastActiveOn ?? r.episode, today),
          enteredOn: r.enteredOn,
        };
      }),
    };
  });
}
