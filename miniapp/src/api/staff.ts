import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** Staff calls: every one carries the staff token, never the member's. */
const staff = { auth: 'staff' as const };

export type MemberPreview = ResponseFor<'staffLookup'>;
export type CheckoutResult = ResponseFor<'staffCheckout'>;
export type CheckoutQuote = ResponseFor<'staffCheckoutQuote'>;
export type VoucherPreview = ResponseFor<'previewVoucher'>;
export type WriteOffResult = ResponseFor<'writeOffVoucher'>;
export type RefundResult = ResponseFor<'staffRefund'>;
export type ShiftSummary = ResponseFor<'staffShiftSummary'>;

/** Shows who the code belongs to before crediting; does not use the code up. */
export const lookupMember = (code: string) => api.get<MemberPreview>('/api/staff/members/lookup', { code }, staff);

/** Points as cash for an order: balance, the most usable points and the split (changes nothing). */
export const quoteCheckout = (memberCode: string, amountCents: number, points?: number) =>
  api.get<CheckoutQuote>(
    '/api/staff/checkout/quote',
    points === undefined ? { memberCode, amountCents } : { memberCode, amountCents, points },
    staff,
  );

/**
 * Credits a purchase. The server is idempotent on (store, orderNo), so the
 * order number names the operation: a retry after a lost answer reuses the key
 * and gets `replayed: true` instead of a second credit.
 */
export const checkout = (body: BodyFor<'staffCheckout'>) =>
  api.post<CheckoutResult>('/api/staff/checkout', body, { ...staff, operation: `checkout:${body.orderNo}` });

/** What a scanned voucher is and whether it can be written off now. */
export const previewVoucher = (code: string) => api.get<VoucherPreview>('/api/staff/vouchers/preview', { code }, staff);

/** A voucher is written off at most once; the code names the operation. */
export const writeOffVoucher = (code: string) =>
  api.post<WriteOffResult>('/api/staff/vouchers/redeem', { code } satisfies BodyFor<'writeOffVoucher'>, {
    ...staff,
    operation: `voucher:${code}`,
  });

/**
 * Refunds part or all of an order of this store. The order and amount name the
 * operation: a retry of an unanswered refund reuses its key (the server answers
 * with the first result), while a later refund of the same amount, made after
 * this one was answered, is a new operation.
 */
export const refund = (body: BodyFor<'staffRefund'>) =>
  api.post<RefundResult>('/api/staff/refunds', body, {
    ...staff,
    operation: `refund:${body.orderNo}:${body.amountCents}`,
  });

/** The store's figures for a period; default: today in business time. */
export const shiftSummary = (query: { from?: string; to?: string } = {}) =>
  api.get<ShiftSummary>('/api/staff/shift-summary', query, staff);
