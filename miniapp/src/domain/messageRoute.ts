import { ROUTES } from '../utils/routes';

/** Where a message of each kind leads when its own page is missing or unknown to this build. */
const BY_KIND: Record<string, string> = {
  tier_changed: ROUTES.tier,
  tier_at_risk: ROUTES.tier,
  points_expiring: ROUTES.points,
  voucher_expiring: ROUTES.vouchers,
  birthday_gift: ROUTES.points,
  referral_reward: ROUTES.invite,
  churn_wakeup: ROUTES.benefits,
  checkin_reminder: ROUTES.checkin,
  lookup_request: ROUTES.confirm,
  gift_granted: ROUTES.vouchers,
  membership_expired: ROUTES.membership,
};

const KNOWN = new Set<string>(Object.values(ROUTES));

/**
 * The page a message opens: the kind's own page first for a check-in reminder
 * (the server points it at the card), else the page the server named when this
 * build has it, else the kind's page; null when there is nowhere to go. Staff
 * pages are never a member message's destination.
 */
export function messageRoute(m: { kind: string; page: string | null }): string | null {
  if (m.kind === 'checkin_reminder') return ROUTES.checkin;
  if (m.page) {
    const path = `/${m.page.replace(/^\/+/, '').split('?')[0]}`;
    if (KNOWN.has(path) && !path.startsWith('/staff/')) return path;
  }
  return BY_KIND[m.kind] ?? null;
}
