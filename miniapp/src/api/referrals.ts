import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';
import { memberSession } from './session';
import { KEYS, readJson, writeJson } from './storage';

type Referrals = ResponseFor<'getReferrals'>;
type Invitee = Referrals['invitees'][number];

export interface ReferralMilestone {
  count: number;
  rewardLabel: string;
  reached: boolean;
}

/** What the invite page shows at the top: derived from GET /api/me/referrals. */
export interface ReferralSummary {
  /** Goes into the share path as `?ref=`; the invitee's first login carries it back. */
  code: string;
  invitedCount: number;
  rewardedPoints: number;
  milestones: ReferralMilestone[];
  rules: Referrals['rules'];
}

const load = () => api.get<Referrals>('/api/me/referrals');

/** Milestones shown: the ones reached so far and the next one. */
export const getReferralSummary = async (): Promise<ReferralSummary> => {
  const r = await load();
  keepCode(r.code);
  const milestones: ReferralMilestone[] = [];
  if (r.milestone.every > 0) {
    for (let n = r.milestone.every; n <= (r.milestone.nextAt ?? 0); n += r.milestone.every) {
      milestones.push({ count: n, rewardLabel: `额外 ${r.milestone.bonus} 积分`, reached: n <= r.successful });
    }
  }
  return {
    code: r.code,
    invitedCount: r.invitees.length,
    rewardedPoints: r.successful * r.rules.inviterPoints,
    milestones,
    rules: r.rules,
  };
};

/** The server sends every invitee at once; the cursor shape is kept for the list hook. */
export const getInvitees = async (): Promise<{ items: Invitee[]; nextCursor: null }> => ({
  items: (await load()).invitees,
  nextCursor: null,
});

/** My mini-program code (PNG, base64) for the invite poster; the server makes it once and keeps it. */
export const getPosterCode = () => api.get<ResponseFor<'getPosterCode'>>('/api/me/referrals/poster-code');

/**
 * My invite code for share paths on any page. It never changes for a member,
 * so it is kept per member id and fetched once.
 */
export async function myReferralCode(): Promise<string | null> {
  const member = memberSession()?.memberId;
  const kept = readJson<{ memberId: string; code: string }>(KEYS.referralCode);
  if (member && kept?.memberId === member) return kept.code;
  const r = await load();
  keepCode(r.code);
  return r.code;
}

function keepCode(code: string) {
  const member = memberSession()?.memberId;
  if (member) writeJson(KEYS.referralCode, { memberId: member, code });
}

/** The path a share opens (the card page by default), with the member's code as `ref`. */
export const sharePath = (code: string | null | undefined, page = '/pages/index/index') =>
  code ? `${page}${page.includes('?') ? '&' : '?'}ref=${encodeURIComponent(code)}` : page;

/** The query of a Moments (timeline) share, which has no path: the page shared is opened. */
export const shareQuery = (code: string | null | undefined) => (code ? `ref=${encodeURIComponent(code)}` : '');
