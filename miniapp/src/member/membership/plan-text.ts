import type { MembershipPlan } from '../../api/membership';

const PERIOD: Record<MembershipPlan['period'], string> = { month: '月', quarter: '季', year: '年' };

/** "¥30/月" */
export const priceText = (p: MembershipPlan) =>
  `¥${(p.priceFen / 100).toFixed(p.priceFen % 100 ? 2 : 0)}/${PERIOD[p.period]}`;

/** The plan's benefits in the words members read. */
export function benefitLines(p: MembershipPlan): string[] {
  const lines: string[] = [];
  if (p.benefitKind === 'multiplier' && p.benefitPercent > 100)
    lines.push(
      `消费积分 ${p.benefitPercent / 100} 倍${p.yearlyCapPoints ? `（每年最多多得 ${p.yearlyCapPoints} 积分）` : ''}`,
    );
  if (p.benefitKind === 'cashback' && p.benefitPercent > 0)
    lines.push(`消费返 ${p.benefitPercent}% 积分${p.yearlyCapPoints ? `（每年最多 ${p.yearlyCapPoints} 积分）` : ''}`);
  const pack = p.pack.map((v) => `${v.title} x${v.count}`).join('、');
  if (pack) lines.push(`每月礼包：${pack}`);
  if (p.tierFloor) lines.push(`享受${p.tierFloor.name}等级待遇`);
  lines.push('会员专享权益兑换');
  return lines;
}
