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

export const getVouchers = (status: VoucherStatus | undefined, cursor?: string | null, limit = 20) =>
  api.get<VouchersPage>('/api/me/vouchers', { status, cursor, limit });

export const getVoucher = (id: string) => api.get<Voucher>(`/api/me/vouchers/${encodeURIComponent(id)}`);
