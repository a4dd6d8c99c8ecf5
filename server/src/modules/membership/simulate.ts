import { planBonusPoints, withinCap, type PlanBenefitKindCode } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import { paidPlanIn } from './store';
import { capUsedIn } from './store-benefits';

/** A plan's earning benefit as the operator drafts it (the plan form's fields). */
export interface BonusDraft {
  benefitKind: PlanBenefitKindCode;
  benefitPercent: number;
  yearlyCapPoints: number;
}

/**
 * The operator simulation's extra points: the rule of `bonusLineIn` (the plan's
 * multiplier or cash-back, cut to what is left of the member's yearly cap for the
 * purchase's business year), reading only. The draft benefit when given, else the
 * plan the member has paid for at `now`; null when neither applies. Without a
 * member nothing of the cap is used yet.
 */
export async function simulateBonusIn(
  q: Q,
  memberId: number | null,
  draft: BonusDraft | null,
  p: { basePoints: number; cashCents: number; date: string; now: number },
  pointValueCents: number,
) {
  const plan = memberId === null ? undefined : await paidPlanIn(q, memberId, p.now);
  const rule: BonusDraft | null =
    draft ??
    (plan
      ? {
          benefitKind: plan.benefit_kind,
          benefitPercent: Number(plan.benefit_percent),
          yearlyCapPoints: Number(plan.yearly_cap_points),
        }
      : null);
  if (!rule) return null;
  const year = p.date.slice(0, 4);
  const capUsed = memberId === null ? 0 : await capUsedIn(q, memberId, year);
  const wanted = planBonusPoints(rule.benefitKind, rule.benefitPercent, { ...p, pointValueCents });
  return {
    planCode: draft ? null : plan!.code,
    ...rule,
    wanted,
    capUsed,
    capLeft: rule.yearlyCapPoints > 0 ? Math.max(0, rule.yearlyCapPoints - capUsed) : null,
    points: withinCap(wanted, capUsed, rule.yearlyCapPoints),
  };
}
