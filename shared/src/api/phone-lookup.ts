import { z } from 'zod';
import { endpoint } from './endpoint';
import { IsoDateTime } from './common';
import { PhoneNumber } from './me';

/**
 * Counter lookup by phone: a clerk asks, the member confirms on their phone (or
 * reads a one-time code to the clerk), and the clerk gets a single-use member
 * token for one checkout at that store. Until confirmed, a number that matches no
 * member is answered exactly like one that does.
 */
export const PhoneLookupSchema = z
  .object({
    enabled: z.boolean(),
    confirm: z
      .enum(['member_confirm', 'member_code'])
      .describe(
        "member_confirm: the member taps confirm in the app; member_code: the clerk types the app's 6-digit code",
      ),
    perStaffPerHour: z.int().min(1).max(1000).describe('Requests one staff member may make per hour'),
    perMemberPerHour: z
      .int()
      .min(1)
      .max(20)
      .describe('Requests that reach one phone number per hour; the rest are accepted quietly and never shown'),
  })
  .describe('Counter lookup by phone');
export type PhoneLookupRules = z.infer<typeof PhoneLookupSchema>;
export const DEFAULT_PHONE_LOOKUP: PhoneLookupRules = {
  enabled: true,
  confirm: 'member_confirm',
  perStaffPerHour: 30,
  perMemberPerHour: 3,
};

/** Seconds a request waits for the member; seconds the member token lives once confirmed. */
export const LOOKUP_REQUEST_SECONDS = 120;
export const MEMBER_TOKEN_SECONDS = 300;

const RequestId = z.string().regex(/^[a-f0-9]{32}$/);
export const MemberToken = z
  .string()
  .regex(/^[a-f0-9]{32}\.[A-Za-z0-9_-]{43}$/)
  .describe('A single-use member token from a confirmed phone lookup');

export const PhoneLookupRequest = z.strictObject({ phone: PhoneNumber });
export const PhoneLookupCreated = z.object({
  requestId: z.string(),
  maskedPhone: z.string(),
  confirm: z.enum(['member_confirm', 'member_code']),
  expiresAt: IsoDateTime,
});
export const PhoneLookupState = z.object({
  requestId: z.string(),
  status: z
    .enum(['pending', 'confirmed', 'used', 'expired'])
    .describe('pending until the member confirms or it expires (a refusal stays pending to the clerk)'),
  memberToken: MemberToken.nullable().describe('Once confirmed: use as memberToken in one checkout at this store'),
  tokenExpiresAt: IsoDateTime.nullable(),
  maskedName: z.string().nullable().describe('Shown only once confirmed'),
  maskedPhone: z.string(),
});
export const VerifyLookupCode = z.strictObject({ code: z.string().regex(/^[0-9]{6}$/) });
export const ConfirmationList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      storeName: z.string(),
      confirm: z.enum(['member_confirm', 'member_code']),
      code: z.string().nullable().describe('member_code: the 6 digits to read to the clerk'),
      expiresAt: IsoDateTime,
      purpose: z
        .enum(['lookup', 'redeem'])
        .describe('lookup: a clerk looks the member up by phone; redeem: points pay part of an order'),
      points: z.int().nullable().describe('redeem: the points the order uses'),
      discountCents: z.int().nullable().describe('redeem: what they pay'),
      amountCents: z.int().nullable().describe('redeem: the order amount'),
    }),
  ),
});
export const ConfirmationAnswer = z.object({ id: z.string(), status: z.enum(['confirmed', 'rejected']) });

/** A counter request's id in a path (lookups and redeem confirmations). */
export const RequestIdParams = z.strictObject({ id: RequestId });

export const phoneLookupEndpoints = {
  staffPhoneLookup: endpoint({
    method: 'post',
    path: '/api/staff/members/phone-lookup',
    tag: 'staff',
    auth: 'staff',
    summary:
      'Find a member by phone at the counter: creates a 2-minute confirmation request for the member (the same answer whether or not the number belongs to a member); the member confirms in the app or reads a 6-digit code, as the operator sets. Limited per staff (RATE_LIMITED) and per number (quietly). Audited.',
    body: PhoneLookupRequest,
    response: PhoneLookupCreated,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED', 'RATE_LIMITED', 'FORBIDDEN'],
  }),
  staffPhoneLookupState: endpoint({
    method: 'get',
    path: '/api/staff/members/phone-lookup/:id',
    tag: 'staff',
    auth: 'staff',
    params: RequestIdParams,
    summary:
      'The state of a phone lookup of this store; once confirmed, a single-use member token for one checkout at this store (memberToken in the checkout body)',
    response: PhoneLookupState,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED', 'LOOKUP_NOT_FOUND'],
  }),
  staffPhoneLookupVerify: endpoint({
    method: 'post',
    path: '/api/staff/members/phone-lookup/:id/verify',
    tag: 'staff',
    auth: 'staff',
    params: RequestIdParams,
    summary:
      'Confirm a phone lookup with the 6-digit code the member reads from the app (operator setting member_code); 5 wrong codes close the request. Audited.',
    body: VerifyLookupCode,
    response: PhoneLookupState,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED', 'LOOKUP_NOT_FOUND', 'LOOKUP_CODE_INVALID'],
  }),
  listConfirmations: endpoint({
    method: 'get',
    path: '/api/me/confirmations',
    tag: 'member',
    auth: 'member',
    summary:
      'Pending counter requests of this member: lookups by phone (store name; the 6-digit code when the clerk types it) and points to pay part of an order (points, discount, amount)',
    response: ConfirmationList,
  }),
  confirmConfirmation: endpoint({
    method: 'post',
    path: '/api/me/confirmations/:id/confirm',
    tag: 'member',
    auth: 'member',
    params: RequestIdParams,
    summary:
      'Confirm a counter lookup: the clerk gets a single-use member token for one checkout at that store. Audited.',
    response: ConfirmationAnswer,
    errors: ['VALIDATION_FAILED', 'LOOKUP_NOT_FOUND'],
  }),
  rejectConfirmation: endpoint({
    method: 'post',
    path: '/api/me/confirmations/:id/reject',
    tag: 'member',
    auth: 'member',
    params: RequestIdParams,
    summary: 'Refuse a counter lookup (the clerk is not told; the request simply expires). Audited.',
    response: ConfirmationAnswer,
    errors: ['VALIDATION_FAILED', 'LOOKUP_NOT_FOUND'],
  }),
};
