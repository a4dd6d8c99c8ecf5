import type { CheckoutRequest, CheckoutResponse, TierView } from '@huiyuan/shared';
import { api } from './client';

/** Staff calls: every one carries the staff token, never the member's. */
const staff = { auth: 'staff' as const };

/** GET /api/staff/members/lookup response (shared LookupResponse is not exported as a type yet). */
export interface MemberPreview {
  memberId: string;
  maskedName: string;
  maskedPhone: string | null;
  tier: TierView;
  balance: number;
  memberDay: boolean;
}

/** Shows who the code belongs to before crediting; does not use the code up. */
export const lookupMember = (code: string) => api.get<MemberPreview>('/api/staff/members/lookup', { code }, staff);

/**
 * Credits a purchase. The server is idempotent on (store, orderNo), so the
 * order number names the operation: a retry after a lost answer reuses the key
 * and gets `replayed: true` instead of a second credit.
 */
export const checkout = (body: CheckoutRequest) =>
  api.post<CheckoutResponse>('/api/staff/checkout', body, { ...staff, operation: `checkout:${body.orderNo}` });

export interface RefundResult {
  orderNo: string;
  amountCents: number;
  refundedCentsTotal: number;
  pointsReversed: number;
  growthReversed: number;
  balance: number;
  replayed: boolean;
}

export const refund = (orderNo: string, amountCents: number) =>
  api.post<RefundResult>(
    '/api/staff/refunds',
    { orderNo, amountCents },
    { ...staff, operation: `refund:${orderNo}:${amountCents}` },
  );

/** Voucher write-off. Types are local until shared/src/api has a vouchers schema. */
export interface VoucherPreview {
  code: string;
  title: string;
  memberMaskedName: string;
  status: 'active' | 'used' | 'expired' | 'cancelled';
  validUntil: string;
  usedAt: string | null;
}

export interface VoucherRedeemResult {
  code: string;
  title: string;
  usedAt: string;
  replayed: boolean;
}

interface ServerPreview {
  code: string;
  title: string;
  status: 'unused' | 'used' | 'expired' | 'cancelled';
  validUntil: string;
  memberMaskedName: string;
  redeemable: boolean;
  reason: string | null;
}

export const previewVoucher = async (code: string): Promise<VoucherPreview> => {
  const p = await api.get<ServerPreview>('/api/staff/vouchers/preview', { code }, staff);
  return {
    code: p.code,
    title: p.title,
    memberMaskedName: p.memberMaskedName,
    status: p.status === 'unused' ? 'active' : p.status,
    validUntil: p.validUntil,
    usedAt: null,
  };
};

/** A voucher is written off at most once; the code names the operation. */
export const redeemVoucher = async (code: string): Promise<VoucherRedeemResult> => {
  const r = await api.post<{ code: string; title: string; redeemedAt: string }>(
    '/api/staff/vouchers/redeem',
    { code },
    { ...staff, operation: `voucher:${code}` },
  );
  return { code: r.code, title: r.title, usedAt: r.redeemedAt, replayed: false };
};
