import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

type VouchersPage = ResponseFor<'listVouchers'>;
export type Voucher = VouchersPage['items'][number];
/** unused | used | expired | cancelled, as the server says them. */
export type VoucherStatus = Voucher['status'];

/** My vouchers, newest first; without a status, all of them. */
export const getVouchers = (status: VoucherStatus | undefined, cursor?: string | null, limit = 20) =>
  api.get<VouchersPage>('/api/me/vouchers', { status, cursor, limit });
