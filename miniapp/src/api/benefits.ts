import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** The points mall: benefits a member can redeem with points, some only from a tier up. */
export type Benefit = ResponseFor<'listBenefits'>['items'][number];
type RedeemResult = ResponseFor<'redeem'>;

/** The catalogue is one short list (no paging on the server); the cursor shape is kept for the list hook. */
export const getBenefits = async (): Promise<{ items: Benefit[]; nextCursor: null }> => {
  const r = await api.get<ResponseFor<'listBenefits'>>('/api/benefits');
  return { items: r.items, nextCursor: null };
};

/**
 * Spends points. The operation is named by the benefit: until this redemption
 * settles, tapping again (or retrying after a crash) reuses the key, so one tap
 * can never cost points twice.
 */
export const redeemBenefit = (benefitId: string) =>
  api.post<RedeemResult>('/api/me/redemptions', { benefitId } satisfies BodyFor<'redeem'>, {
    operation: `redeem:${benefitId}`,
  });
