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
