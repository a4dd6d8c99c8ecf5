/** The gift rules without I/O: occurrences, keys, which rules a tier move reaches, a grant's final status. */

/** One line of a gift: `count` vouchers of a benefit. */
export interface VoucherLine {
  benefitId: number;
  count: number;
}

/** What happened to one line when the grant was given. */
export interface VoucherOutcome extends VoucherLine {
  given: number;
  /** Why fewer than `count` were given: 'out_of_stock', 'refused' (limit, expired), 'unavailable' (deleted). */
  skipped: string | null;
}

/**
 * The rule id of the tier's birthday points (tier settings, `birthdayGiftPoints`):
 * not a row of gift_rules, but given through the same grants, under the ledger key
 * and message the birthday gift always had.
 */
export const TIER_BIRTHDAY_RULE = 0;

/** The occurrence that makes a trigger give once: once ever, once per tier, month or birthday year. */
export const ONCE = 'once';
export const monthOf = (businessDate: string): string => businessDate.slice(0, 7);
export const yearOf = (businessDate: string): string => businessDate.slice(0, 4);

export function parseLines(json: string | null): VoucherLine[] {
  if (!json) return [];
  return (JSON.parse(json) as { benefitId: string | number; count: number }[]).map((l) => ({
    benefitId: Number(l.benefitId),
    count: Number(l.count),
  }));
}

export const linesJson = (lines: { benefitId: string | number; count: number }[]): string =>
  JSON.stringify(lines.map((l) => ({ benefitId: Number(l.benefitId), count: l.count })));

interface GrantKey {
  rule_id: number;
  member_id: number;
  occurrence: string;
}

/** The points ledger key of a grant; the tier's birthday points keep the key they always had. */
export function ledgerKeyOf(g: GrantKey): string {
  return Number(g.rule_id) === TIER_BIRTHDAY_RULE
    ? `birthday:${g.occurrence}:${g.member_id}`
    : `gift:${g.rule_id}:${g.member_id}:${g.occurrence}`;
}

/** The voucher request key (unique per member) of the n-th voucher of a benefit in a grant. */
export const voucherKeyOf = (g: GrantKey, benefitId: number, n: number): string =>
  `gift:${g.rule_id}:${g.occurrence}:${benefitId}:${n}`;

/** granted: all of it; partial: the points or some vouchers; skipped: nothing could be given. */
export function grantStatus(points: number, lines: VoucherOutcome[]): 'granted' | 'partial' | 'skipped' {
  if (lines.every((l) => l.given === l.count)) return 'granted';
  return points > 0 || lines.some((l) => l.given > 0) ? 'partial' : 'skipped';
}

/**
 * The tier_reached rules an upgrade from `from` to `to` reaches: every rule whose
 * tier is above the old tier and not above the new one (a jump over a tier reaches
 * it too). Their occurrence is the tier, so a later re-upgrade gives nothing again.
 */
export function reachedBy<R extends { tier_code: string | null }>(
  rules: R[],
  tierOrder: string[],
  from: string,
  to: string,
): R[] {
  const rank = (c: string | null) => (c === null ? -1 : tierOrder.indexOf(c));
  return rules.filter((r) => rank(r.tier_code) > rank(from) && rank(r.tier_code) <= rank(to));
}

const GIFT_TITLES: Record<string, string> = {
  join: '入会礼已到账',
  first_order: '首单礼已到账',
  tier_reached: '升级礼已到账',
  birthday: '生日礼已到账',
  monthly_pack: '本月会员礼包已到账',
  membership: '付费会员月礼包已到账',
  churn: '回归礼已到账',
};

/**
 * The member's message for a grant that gave something: a title by trigger and
 * what was given (e.g. "200 积分 + 2 张券"); null when nothing was given. The
 * tier's birthday points keep their own birthday message, so they get none here.
 */
export function grantMessage(
  g: { rule_id: number; trigger_kind: string; points: number },
  status: 'granted' | 'partial' | 'skipped',
  vouchers: VoucherOutcome[],
): { title: string; summary: string; points: number; vouchers: number } | null {
  if (Number(g.rule_id) === TIER_BIRTHDAY_RULE || status === 'skipped') return null;
  const points = Number(g.points);
  const given = vouchers.reduce((n, l) => n + l.given, 0);
  const parts = [...(points > 0 ? [`${points} 积分`] : []), ...(given > 0 ? [`${given} 张券`] : [])];
  if (!parts.length) return null;
  return { title: GIFT_TITLES[g.trigger_kind] ?? '会员礼遇到账', summary: parts.join(' + '), points, vouchers: given };
}
