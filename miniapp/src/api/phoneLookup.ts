import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** Counter lookup by phone, for a member who cannot show the code: staff calls carry the staff token. */
const staff = { auth: 'staff' as const };

export type LookupCreated = ResponseFor<'staffPhoneLookup'>;
export type LookupState = ResponseFor<'staffPhoneLookupState'>;

/** Sends the member a confirmation request; the answer is the same whether or not the number is a member's. */
export const askByPhone = (phone: string) =>
  api.post<LookupCreated>('/api/staff/members/phone-lookup', { phone } satisfies BodyFor<'staffPhoneLookup'>, staff);

/** Pending until the member confirms; then a single-use member token for one checkout here. */
export const lookupState = (id: string) =>
  api.get<LookupState>(`/api/staff/members/phone-lookup/${encodeURIComponent(id)}`, undefined, staff);

/** The 6-digit code the member reads from the app (when the operator chose that way). */
export const verifyLookupCode = (id: string, code: string) =>
  api.post<LookupState>(
    `/api/staff/members/phone-lookup/${encodeURIComponent(id)}/verify`,
    { code } satisfies BodyFor<'staffPhoneLookupVerify'>,
    staff,
  );

export type RedeemAsked = ResponseFor<'staffRedeemConfirmation'>;
export type RedeemState = ResponseFor<'staffRedeemConfirmationState'>;

/** Points as cash the member confirms on the phone (operator setting `phone`): the order, its amount and points. */
export const askRedeemConfirmation = (body: BodyFor<'staffRedeemConfirmation'>) =>
  // Changes no points (a new request each time): nothing to replay.
  api.post<RedeemAsked>('/api/staff/checkout/redeem-confirmations', body, { ...staff, idempotent: false });

/** Pending until the member confirms; then the token that pays exactly that order with those points. */
export const redeemConfirmationState = (id: string) =>
  api.get<RedeemState>(`/api/staff/checkout/redeem-confirmations/${encodeURIComponent(id)}`, undefined, staff);
