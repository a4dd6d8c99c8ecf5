import type { Q } from '../../db/database';
import * as gifts from '../gifts/store';
import { monthOf, parseLines, voucherKeyOf } from '../gifts/rules';
import { benefitIn, returnStockIn, uncountRedemptionIn } from '../benefits/store';
import { cancelVoucherIn, voucherByRequestKeyIn, voucherIn } from '../benefits/store-vouchers';

/**
 * The monthly pack of a paid plan, through the gifts module: the plan names a gift
 * rule with the trigger `membership`, and each paid member gets one grant of it
 * per business month (occurrence `YYYY-MM`, the grant's unique key), given by the
 * gifts worker like every other grant (stock, limits and validity respected).
 */
export const PACK_TRIGGER = 'membership';

/** Pending grants of the pack rule for this month, for members not yet given it (INSERT IGNORE). */
export async function writePackGrantIn(q: Q, ruleId: number, memberIds: number[], date: string, now: number) {
  const rule = await gifts.ruleIn(q, ruleId);
  // A disabled rule, or one of another trigger, gives nothing: the operator chose so.
  if (!rule || rule.status !== 'enabled' || rule.trigger_kind !== PACK_TRIGGER || !memberIds.length) return 0;
  return gifts.insertGrantsIn(
    q,
    memberIds.map((memberId) => ({
      ruleId,
      memberId,
      occurrence: monthOf(date),
      trigger: PACK_TRIGGER,
      points: Number(rule.points),
      vouchersJson: rule.vouchers_json,
    })),
    now,
  );
}

/** The member's grants of a pack rule (newest first, at most 60: five years of months). */
async function packGrantsIn(q: Q, ruleId: number, memberId: number) {
  return gifts.grantsPageIn(q, { ruleId, memberId, limit: 60 });
}

/** Pack vouchers given to the member in a business year. */
export async function packVouchersOfYearIn(q: Q, ruleId: number, memberId: number, year: string): Promise<number> {
  let n = 0;
  for (const g of await packGrantsIn(q, ruleId, memberId)) {
    if (!g.occurrence.startsWith(`${year}-`) || !g.outcome_json) continue;
    const out = JSON.parse(g.outcome_json) as { vouchers?: { given: number }[] };
    for (const l of out.vouchers ?? []) n += Number(l.given ?? 0);
  }
  return n;
}

export interface PackUse {
  /** Unused, valid pack vouchers given since `from` (what a refund cancels). */
  unused: number[];
  /** Value in fen of the pack vouchers written off since `from` (their benefits' points at the point value). */
  usedValueFen: number;
  used: number;
}

/** What the member did with the pack vouchers of grants made since `from`. */
export async function packUseIn(
  q: Q,
  ruleId: number,
  memberId: number,
  from: number,
  now: number,
  pointValueCents: number,
) {
  const use: PackUse = { unused: [], usedValueFen: 0, used: 0 };
  for (const g of await packGrantsIn(q, ruleId, memberId)) {
    if (Number(g.created_at) < from) continue;
    for (const line of parseLines(g.vouchers_json)) {
      for (let n = 0; n < line.count; n++) {
        const v = await voucherByRequestKeyIn(q, memberId, voucherKeyOf(g, line.benefitId, n));
        if (!v) continue;
        if (v.status === 'used') {
          const b = await benefitIn(q, Number(v.benefit_id));
          use.used++;
          use.usedValueFen += Number(b?.cost_points ?? 0) * pointValueCents;
        } else if (v.status === 'unused' && Number(v.valid_until) > now) use.unused.push(Number(v.id));
      }
    }
  }
  return use;
}

/** Cancels unused pack vouchers once each (the guarded flip), giving their stock and the member's count back. */
export async function cancelPackVouchersIn(q: Q, ids: number[], memberId: number, now: number): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const v = await voucherIn(q, id, memberId);
    if (!v || !(await cancelVoucherIn(q, id, now))) continue;
    await returnStockIn(q, Number(v.benefit_id), now);
    await uncountRedemptionIn(q, Number(v.benefit_id), memberId);
    n++;
  }
  return n;
}

/** Pack vouchers given so far under these rules (grants given in full times the pack's size; partial ones not counted). */
export async function packVouchersGivenIn(q: Q, ruleIds: (number | null)[]): Promise<number> {
  let n = 0;
  for (const id of new Set(ruleIds.filter((r): r is number => r !== null).map(Number))) {
    const rule = await gifts.ruleIn(q, id);
    const tally = (await gifts.grantTalliesIn(q, id)).get(id) ?? {};
    n += (tally.granted ?? 0) * parseLines(rule?.vouchers_json ?? null).reduce((s, l) => s + l.count, 0);
  }
  return n;
}
