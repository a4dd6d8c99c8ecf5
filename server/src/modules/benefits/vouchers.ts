import { randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors';
import type { VoucherRow } from './store-vouchers';

/** Unambiguous alphabet (no 0/O, 1/I/L), 31 symbols: 16 characters carry about 79 random bits, so codes cannot be guessed. */
const A = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** The format every voucher code has: 16 symbols of the alphabet above. */
export const VOUCHER_CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{16}$/;

export function newVoucherCode(): string {
  const bytes = randomBytes(16);
  let out = '';
  // 31 symbols: rejection sampling keeps every symbol equally likely.
  for (let i = 0; out.length < 16; i++) {
    const b = i < bytes.length ? bytes[i] : randomBytes(1)[0];
    if (b < 248) out += A[b % 31];
  }
  return out;
}

/** The ledger key of a redemption's debit, and of the refund of a cancelled voucher. */
export const redemptionDebitKey = (memberId: number, requestKey: string) => `redeem:${memberId}:${requestKey}`;
export const cancelRefundKey = (voucherId: number) => `cancel:voucher:${voucherId}`;

/** Stored status plus time: an unused voucher past its date is expired even before the nightly job marks it. */
export function effectiveStatus(
  v: Pick<VoucherRow, 'status' | 'valid_until'>,
  now: number,
): 'unused' | 'used' | 'expired' | 'cancelled' {
  if (v.status === 'unused' && Number(v.valid_until) <= now) return 'expired';
  return v.status as 'unused' | 'used' | 'expired' | 'cancelled';
}

/** Why a voucher cannot be written off or cancelled, from its state at `now`. */
export function voucherRefusal(v: Pick<VoucherRow, 'status' | 'valid_until'>, now: number): AppError {
  if (v.status === 'used') return new AppError('VOUCHER_USED');
  if (v.status === 'cancelled') return new AppError('VOUCHER_CANCELLED');
  if (v.status === 'expired' || Number(v.valid_until) <= now) return new AppError('VOUCHER_EXPIRED');
  return new AppError('VOUCHER_NOT_FOUND');
}

/** The API shape; `redeemedAt` is the public name of the write-off time. */
export function voucherView(v: VoucherRow, now: number) {
  return {
    id: String(v.id),
    code: v.code,
    benefitId: String(v.benefit_id),
    title: v.title ?? '',
    status: effectiveStatus(v, now),
    costPoints: Number(v.cost_points),
    validUntil: new Date(Number(v.valid_until)).toISOString(),
    redeemedAt: v.written_off_at ? new Date(Number(v.written_off_at)).toISOString() : null,
    createdAt: new Date(Number(v.created_at)).toISOString(),
  };
}
