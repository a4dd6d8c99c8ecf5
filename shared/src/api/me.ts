import { z } from 'zod';
import { IsoDate, IsoDateTime, Id } from './common';

export const Consent = z.object({ version: z.string(), acceptedAt: IsoDateTime });

export const MeResponse = z.object({
  id: Id,
  nickname: z.string().nullable(),
  birthday: IsoDate.nullable(),
  phoneMasked: z.string().nullable().describe('e.g. 138****0000; the full number is never returned'),
  phoneVerified: z.boolean().describe('True only for a number obtained through WeChat getPhoneNumber'),
  phoneTypingAllowed: z.boolean().describe('The operator lets members type a phone number (stored unverified)'),
  privacyConsent: Consent.nullable(),
  consentRequired: z.boolean().describe('The member has not accepted the current privacy policy version'),
  registeredAt: IsoDateTime,
});
export type MeResponse = z.infer<typeof MeResponse>;

/** Mainland mobile numbers, optionally with +86. */
export const PhoneNumber = z.string().regex(/^(\+?86)?1[3-9][0-9]{9}$/, 'A mainland China mobile number');

/**
 * Strict: unknown keys (points, tier, openid...) are refused, never ignored,
 * so a client cannot mass-assign fields it does not own.
 */
export const PatchMeRequest = z
  .strictObject({
    nickname: z.string().trim().min(1).max(32).optional(),
    birthday: IsoDate.optional().describe('Settable once'),
    phone: PhoneNumber.optional(),
    privacyConsentVersion: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .describe('Version of the privacy policy the member accepts now'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export type PatchMeRequest = z.infer<typeof PatchMeRequest>;

export const ConsentRequest = z.strictObject({
  version: z.string().min(1).max(32).describe('The policy version shown to the member (GET /api/privacy/policy)'),
});
export type ConsentRequest = z.infer<typeof ConsentRequest>;

export const PhoneCodeRequest = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/)
    .describe("detail.code from <button open-type='getPhoneNumber'>"),
});
export type PhoneCodeRequest = z.infer<typeof PhoneCodeRequest>;

export const PhoneBound = z.object({ phoneMasked: z.string(), phoneVerified: z.literal(true) });
export type PhoneBound = z.infer<typeof PhoneBound>;
