import { randomBytes } from 'node:crypto';

/** Unambiguous alphabet (no 0/O, 1/I/L), 31 symbols: 16 characters carry about 79 random bits, so codes cannot be guessed. */
const A = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

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

export interface VoucherRow {
  id: number;
  code: string;
  benefit_id: number;
  member_id: number;
  status: string;
  cost_points: number;
  valid_until: number;
  redeemed_at: number | null;
  created_at: number;
  title?: string;
}

/** Stored status plus time: an unused voucher past its date is expired even before the nightly job marks it. */
export function effectiveStatus(
  v: Pick<VoucherRow, 'status' | 'valid_until'>,
  now: number,
): 'unused' | 'used' | 'expired' | 'cancelled' {
  if (v.status === 'unused' && Number(v.valid_until) <= now) return 'expired';
  return v.status as 'unused' | 'used' | 'expired' | 'cancelled';
}

export function voucherView(v: VoucherRow, now: number) {
  return {
    id: String(v.id),
    code: v.code,
    benefitId: String(v.benefit_id),
    title: v.title ?? '',
    status: effectiveStatus(v, now),
    costPoints: Number(v.cost_points),
    validUntil: new Date(Number(v.valid_until)).toISOString(),
    redeemedAt: v.redeemed_at ? new Date(Number(v.redeemed_at)).toISOString() : null,
    createdAt: new Date(Number(v.created_at)).toISOString(),
  };
}

export const VOUCHER_SELECT =
  'SELECT v.id, v.code, v.benefit_id, v.member_id, v.status, v.cost_points, v.valid_until, v.redeemed_at, v.created_at, b.title FROM vouchers v JOIN benefits b ON b.id = v.benefit_id';
