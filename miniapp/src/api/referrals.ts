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

export const getReferralSummary = () => api.get<ReferralSummary>('/api/me/referrals');

export const getInvitees = (cursor?: string | null, limit = 20) =>
  api.get<InviteesPage>('/api/me/referrals/invitees', { cursor, limit });

/** The path a share opens: the card page, with the member's code as `ref`. */
export const sharePath = (code: string) => `/pages/index/index?ref=${encodeURIComponent(code)}`;
