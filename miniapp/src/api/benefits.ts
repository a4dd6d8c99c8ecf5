import { api } from './client';
import type { Voucher } from './vouchers';

/**
 * The points mall: benefits a member can redeem with points or by tier.
 * Types are local until shared/src/api has a benefits schema.
 */
export interface Benefit {
  id: string;
  name: string;
  description: string;
  imageUrl: string | null;
  pointsCost: number;
  /** null: unlimited */
  stockLeft: number | null;
  minTierCode: string | null;
  minTierName: string | null;
  perMemberLimit: number | null;
  redeemedByMe: number;
  available: boolean;
}

export interface BenefitsPage {
  items: Benefit[];
  nextCursor: string | null;
}

export interface RedeemResult {
  redemptionId: string;
  voucher: Voucher;
  pointsSpent: number;
  balance: number;
  replayed: boolean;
}

export const getBenefits = (cursor?: string | null, limit = 20) => api.get<BenefitsPage>('/api/benefits', { cursor, limit });

export const getBenefit = (id: string) => api.get<Benefit>(`/api/benefits/${encodeURIComponent(id)}`);

/**
 * Spends points. The operation is named by the benefit: until this redemption
 * settles, tapping again (or retrying after a crash) reuses the key, so one tap
 * can never cost points twice.
 */
export const redeemBenefit = (benefitId: string) =>
  api.post<RedeemResult>('/api/me/redemptions', { benefitId }, { operation: `redeem:${benefitId}` });
