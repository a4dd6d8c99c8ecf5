import type { VoucherPage as ServerPage, VoucherView } from '@huiyuan/shared';
import type { z } from 'zod';
import { api } from './client';

/** Types are local until shared/src/api has a vouchers schema. */
export type VoucherStatus = 'active' | 'used' | 'expired' | 'cancelled';

export interface Voucher {
  id: string;
  /** What the staff scans; digits or letters. */
  code: string;
  title: string;
  benefitId: string;
  status: VoucherStatus;
  validFrom: string;
  validUntil: string;
  usedAt: string | null;
  usedStoreName: string | null;
}

export interface VouchersPage {
  items: Voucher[];
  nextCursor: string | null;
}

/** The server says 'unused' where the pages say 'active'. */
export function toVoucher(v: z.infer<typeof VoucherView>): Voucher {
  return {
    id: v.id,
    code: v.code,
    title: v.title,
    benefitId: v.benefitId,
    status: v.status === 'unused' ? 'active' : v.status,
    validFrom: v.createdAt,
    validUntil: v.validUntil,
    usedAt: v.redeemedAt,
    usedStoreName: null,
  };
}

export const getVouchers = async (
  status: VoucherStatus | undefined,
  cursor?: string | null,
  limit = 20,
): Promise<VouchersPage> => {
  const r = await api.get<z.infer<typeof ServerPage>>('/api/me/vouchers', {
    status: status === 'active' ? 'unused' : status,
    cursor,
    limit,
  });
  return { items: r.items.map(toVoucher), nextCursor: r.nextCursor };
};

/** One voucher, found in my list (newest 100). */
export const getVoucher = async (id: string): Promise<Voucher | null> =>
  (await getVouchers(undefined, null, 100)).items.find((v) => v.id === id) ?? null;

/** Cancel an unused voucher: points and stock come back. */
export const cancelVoucher = (id: string) =>
  api.post<{ refundedPoints: number; balance: number }>(`/api/me/vouchers/${encodeURIComponent(id)}/cancel`);
