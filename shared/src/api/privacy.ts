import { z } from 'zod';
import { endpoint } from './endpoint';
import { IsoDateTime } from './common';

/** Personal data: export everything stored about me; delete my account. */
export const DataExport = z.object({
  exportedAt: IsoDateTime,
  profile: z.record(z.string(), z.unknown()),
  points: z.object({
    balance: z.int(),
    entries: z.array(z.record(z.string(), z.unknown())),
    lots: z.array(z.record(z.string(), z.unknown())),
  }),
  growth: z.array(z.record(z.string(), z.unknown())),
  tier: z.record(z.string(), z.unknown()).nullable(),
  orders: z.array(z.record(z.string(), z.unknown())),
  checkins: z.array(z.record(z.string(), z.unknown())),
  tasks: z.array(z.record(z.string(), z.unknown())),
  vouchers: z.array(z.record(z.string(), z.unknown())),
  gifts: z.array(z.record(z.string(), z.unknown())).describe('Gift grants: what each rule gave or could not give'),
  membership: z
    .object({
      subscription: z.record(z.string(), z.unknown()).nullable(),
      periods: z.array(z.record(z.string(), z.unknown())),
      refunds: z.array(z.record(z.string(), z.unknown())),
    })
    .describe('Paid membership: the subscription, each period paid and each refund'),
  payments: z
    .object({
      orders: z.array(z.record(z.string(), z.unknown())),
      refunds: z.array(z.record(z.string(), z.unknown())),
    })
    .describe('WeChat Pay orders and their refunds: amounts in fen, states and times (no payment credentials)'),
  referrals: z.record(z.string(), z.unknown()),
  messages: z.array(z.record(z.string(), z.unknown())),
  subscriptions: z.array(z.record(z.string(), z.unknown())),
});
export const PrivacyPolicyView = z.object({
  version: z.string(),
  title: z.string(),
  text: z.string(),
  updatedAt: IsoDateTime,
});
export type PrivacyPolicyView = z.infer<typeof PrivacyPolicyView>;

export const DeleteAccountRequest = z.strictObject({ confirm: z.literal('DELETE').describe('Type DELETE to confirm') });
export const DeleteAccountResult = z.object({ deleted: z.literal(true), at: IsoDateTime });

export const privacyEndpoints = {
  getPrivacyPolicy: endpoint({
    method: 'get',
    path: '/api/privacy/policy',
    tag: 'member',
    auth: 'none',
    summary: 'The current privacy policy (versioned); a new version asks members to accept it again',
    response: PrivacyPolicyView,
  }),
  exportMyData: endpoint({
    method: 'get',
    path: '/api/me/export',
    tag: 'member',
    auth: 'member',
    summary: 'Everything stored about me, as JSON (phone in full: it is my own data)',
    response: DataExport,
  }),
  deleteMe: endpoint({
    method: 'post',
    path: '/api/me/delete',
    tag: 'member',
    auth: 'member',
    summary:
      'Delete my account: personal data erased, ledger kept under a pseudonymous id, sessions ended; the same WeChat account later registers as new without referral rewards',
    body: DeleteAccountRequest,
    response: DeleteAccountResult,
    errors: ['VALIDATION_FAILED'],
  }),
};
