import type { BenefitList, RedeemResult as ServerRedeem } from '@huiyuan/shared';
import type { z } from 'zod';
import { api } from './client';
import { toVoucher, type Voucher } from './vouchers';

type ServerBenefit = z.infer<typeof BenefitList>['items'][number];

/**
 * The points mall: benefits a member can redeem with points or by tier.
 * The page works with this view; the server's shape (shared/src/api/benefits.ts) is mapped here.
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

export function toBenefit(b: ServerBenefit): Benefit {
  const limit = b.perMemberLimit > 0 ? b.perMemberLimit : null;
  return {
    id: b.id,
    name: b.title,
    description: b.description,
    imageUrl: null,
    pointsCost: b.costPoints,
    stockLeft: b.stockLeft,
    minTierCode: b.minTier?.code ?? null,
    minTierName: b.minTier?.name ?? null,
    perMemberLimit: limit,
    redeemedByMe: limit !== null && b.myRemaining !== null ? limit - b.myRemaining : 0,
    available: !b.locked,
  };
}

/** The catalogue is one short list (no paging on the server); the cursor is kept for the list hook. */
export const getBenefits = async (_cursor?: string | null, _limit = 20): Promise<BenefitsPage> => {
  const r = await api.get<z.infer<typeof BenefitList>>('/api/benefits');
  return { items: r.items.map(toBenefit), nextCursor: null };
};

export const getBenefit = async (id: string): Promise<Benefit | null> =>
  (await getBenefits()).items.find((b) => b.id === id) ?? null;

/**
 * Spends points. The operation is named by the benefit: until this redemption
 * settles, tapping again (or retrying after a crash) reuses the key, so one tap
 * can never cost points twice.
 */
export const redeemBenefit = async (benefitId: string): Promise<RedeemResult> => {
  const r = await api.post<z.infer<typeof ServerRedeem>>(
    '/api/me/redemptions',
    { benefitId },
    { operation: `redeem:${benefitId}` },
  );
  return {
    redemptionId: r.voucher.id,
    voucher: toVoucher(r.voucher),
    pointsSpent: r.voucher.costPoints,
    balance: r.balance,
    replayed: r.replayed,
  };
};
