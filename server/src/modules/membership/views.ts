import type { PlanView, TierRules } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { ruleIn } from '../gifts/store';
import { parseLines } from '../gifts/rules';
import { benefitIn } from '../benefits/store';
import type { PlanRow } from './store';

/** Plans as members and operators see them: the pack's vouchers with their titles, the tier floor with its name. */
export async function planViews(q: Q, plans: PlanRow[], tiers: TierRules): Promise<PlanView[]> {
  const out: PlanView[] = [];
  for (const p of plans) {
    const pack: PlanView['pack'] = [];
    const rule = p.pack_gift_rule_id ? await ruleIn(q, Number(p.pack_gift_rule_id)) : undefined;
    for (const l of rule && rule.status === 'enabled' ? parseLines(rule.vouchers_json) : []) {
      const b = await benefitIn(q, l.benefitId);
      pack.push({ benefitId: String(l.benefitId), title: b?.title ?? '', count: l.count });
    }
    out.push({
      id: String(p.id),
      code: p.code,
      title: p.title,
      priceFen: Number(p.price_fen),
      period: p.period,
      benefitKind: p.benefit_kind,
      benefitPercent: Number(p.benefit_percent),
      yearlyCapPoints: Number(p.yearly_cap_points),
      packGiftRuleId: p.pack_gift_rule_id ? String(p.pack_gift_rule_id) : null,
      pack,
      tierFloor: p.tier_floor
        ? { code: p.tier_floor, name: tiers.tiers.find((t) => t.code === p.tier_floor)?.name ?? p.tier_floor }
        : null,
      active: p.status === 'active',
    });
  }
  return out;
}
