import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

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
}

const load = () => api.get<Referrals>('/api/me/referrals');

/** Milestones shown: the ones reached so far and the next one. */
export const getReferralSummary = async (): Promise<ReferralSummary> => {
  const r = await load();
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
  };
};

/** The server sends every invitee at once; the cursor shape is kept for the list hook. */
export const getInvitees = async (): Promise<{ items: Invitee[]; nextCursor: null }> => ({
  items: (await load()).invitees,
  nextCursor: null,
});

/** The path a share opens: the card page, with the member's code as `ref`. */
export const sharePath = (code: string) => `/pages/index/index?ref=${encodeURIComponent(code)}`;
