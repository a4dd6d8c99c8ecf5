import { api } from './client';

/** Types are local until shared/src/api has a referrals schema. */
export interface ReferralMilestone {
  count: number;
  rewardLabel: string;
  reached: boolean;
}

export interface ReferralSummary {
  /** Goes into the share path as `?ref=`; the invitee's first login carries it back. */
  code: string;
  invitedCount: number;
  rewardedPoints: number;
  milestones: ReferralMilestone[];
}

export interface Invitee {
  maskedName: string;
  joinedAt: string;
  rewarded: boolean;
}

export interface InviteesPage {
  items: Invitee[];
  nextCursor: string | null;
}

interface ServerReferrals {
  code: string;
  sharePath: string;
  successful: number;
  rules: { inviterPoints: number; inviteePoints: number; trigger: string; refundWindowDays: number };
  milestone: { every: number; bonus: number; nextAt: number | null; remaining: number | null };
  invitees: { maskedName: string; status: string; registeredAt: string }[];
}

const load = () => api.get<ServerReferrals>('/api/me/referrals');

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

export const getInvitees = async (_cursor?: string | null, _limit = 20): Promise<InviteesPage> => {
  const r = await load();
  return {
    items: r.invitees.map((i) => ({
      maskedName: i.maskedName,
      joinedAt: i.registeredAt,
      rewarded: i.status === 'rewarded',
    })),
    nextCursor: null,
  };
};

/** The path a share opens: the card page, with the member's code as `ref`. */
export const sharePath = (code: string) => `/pages/index/index?ref=${encodeURIComponent(code)}`;
