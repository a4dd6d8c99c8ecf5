import {
  businessDate,
  earningForCashPart,
  evaluateTier,
  MAX_POINTS,
  maxRedeemablePoints,
  splitPayment,
  type BodyFor,
  type ChurnRules,
} from '@huiyuan/shared';
import type { AppContext } from '../../http/context';
import type { Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { toView } from '../tiers/service';
import { purchaseRules } from '../checkout/earning';
import { releaseAtFor } from '../points/pending';
import { lastActivity } from '../points/store-reads';
import { accountsOf, memberExists } from '../members/store';
import { lastActiveOf } from '../members/store-activity';
import { daysBetween, fallbackLastActive, stageFor } from '../insights/churn-rules';
import { simulateBonusIn } from '../membership/simulate';
import { BONUS_LINE } from '../membership/bonus';

/**
 * The operator's simulation of one purchase under the live or draft rules, by
 * the rules the counter and the jobs use: earning on the cash part after points
 * as cash, the tier it reaches and the gift rules that gives, when pending points
 * become spendable, where the member stands in the staged churn, and a paid
 * plan's extra points (the member's plan or a draft one, within the yearly cap). Reads only.
 */
export function simulate(c: AppContext, body: BodyFor<'adminSimulate'>) {
  return c.db.read(async (q) => {
    const at = body.at ? new Date(body.at) : c.clock.now();
    const tz = c.config.businessTz;
    // The counter's own rule (checkout/earning.ts), with the draft rules in place of the saved ones.
    const rules = await purchaseRules(c.settings, c.tiers, body.rules ?? {});
    const tiers = rules.tiers;
    let tierCode = body.tierCode ?? tiers.tiers[0].code;
    let growthBefore = 0;
    const memberId = body.memberId ? Number(body.memberId) : null;
    if (memberId !== null) {
      if (!(await memberExists(q, memberId))) throw new AppError('MEMBER_NOT_FOUND');
      tierCode = (await c.tiers.tierOfIn(q, memberId)).code;
      growthBefore = await c.tiers.growthInWindowIn(q, memberId, at, tiers);
    }
    const tier = tiers.tiers.find((t) => t.code === tierCode);
    if (!tier) throw new AppError('VALIDATION_FAILED', `Unknown tier ${tierCode}`, { field: 'tierCode' });
    // Points as cash as the counter splits it, capped by the share of the order (balance and daily cap are the member's).
    const cash = body.rules?.pointsCash ?? (await c.settings.get('checkout.pointsCash'));
    const most = maxRedeemablePoints({ amountCents: body.amountCents, balance: MAX_POINTS, redeemedToday: 0 }, cash);
    const split = splitPayment(body.amountCents, Math.min(body.redeemPoints ?? 0, most), cash.pointsPerYuan);
    const { points, growth, memberDay, excluded } = earningForCashPart(
      {
        cashCents: split.cashCents,
        orderNo: body.orderNo,
        businessDate: businessDate(at, tz),
        tierMultiplierPercent: toView(tier).multiplierPercent,
      },
      rules,
    );
    // A paid plan's extra points join the purchase's points as at the counter (none on an excluded purchase).
    const extra = excluded
      ? null
      : await simulateBonusIn(
          q,
          memberId,
          body.rules?.membershipPlan ?? null,
          {
            basePoints: points.lines.find((l) => l.code === 'base')?.points ?? 0,
            cashCents: split.cashCents,
            date: businessDate(at, tz),
            now: at.getTime(),
          },
          await c.settings.get('points.valueCents'),
        );
    const withExtra = extra && extra.points > 0;
    const decision = evaluateTier(tiers, tierCode, growthBefore + growth);
    const tierAfter = decision.action === 'upgrade' ? decision.to : tierCode;
    const pendingDays = body.rules?.pendingDays ?? (await c.settings.get('points.pendingDays'));
    const churnRules = body.rules?.churn ?? (await c.settings.get('insights.churn'));
    // As at the counter: the plan's extra points are held with the rest of the purchase's points.
    const total = points.total + (withExtra ? extra.points : 0);
    return {
      points: total,
      lines: withExtra ? [...points.lines, { code: BONUS_LINE, points: extra.points }] : points.lines,
      growth,
      memberDay,
      excluded,
      tierBefore: tierCode,
      growthBefore,
      tierAfter,
      redeemedPoints: split.points,
      discountCents: split.discountCents,
      cashCents: split.cashCents,
      gifts: await c.gifts.simulateIn(
        q,
        memberId,
        tierCode,
        tierAfter,
        tiers.tiers.map((t) => t.code),
      ),
      pending: {
        days: pendingDays,
        releasesAt: pendingDays > 0 && total > 0 ? releaseAtFor(at, pendingDays, tz).toISOString() : null,
      },
      churn: memberId === null ? null : await churnOf(q, memberId, at, tz, churnRules),
      membership: extra,
    };
  });
}

/** The member's quiet days at `at` and the stage they reach (the churn job's rule), before the purchase. */
async function churnOf(q: Q, memberId: number, at: Date, tz: string, rules: ChurnRules) {
  let last = (await lastActiveOf(q, [memberId])).get(memberId) ?? null;
  if (last === null) {
    // Members from before the column: the churn job's fallback (last ledger activity or registration).
    const [account] = await accountsOf(q, [memberId]);
    const ledger = (await lastActivity(q, [memberId])).get(memberId);
    last = fallbackLastActive(Number(account.created_at), ledger, tz);
  }
  const quietDays = Math.max(0, daysBetween(last, businessDate(at, tz)));
  const stage = stageFor(rules, quietDays);
  return {
    lastActiveOn: last,
    quietDays,
    stage: stage?.code ?? null,
    action: stage?.action ?? null,
    recovers: stage !== null,
  };
}
