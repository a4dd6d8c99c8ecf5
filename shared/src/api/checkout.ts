import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, MAX_POINTS } from './common';
import { MemberCode } from './tiers';
import { MAX_PURCHASE_CENTS } from '../domain/points';
import { validatePointsCash } from '../domain/points-cash';

/** Points as cash at the till: the operator's rules, and the counter's preview of an order. */
export const PointsCashSchema = z
  .object({
    enabled: z.boolean(),
    pointsPerYuan: z.int().describe('Points worth one yuan of discount (100: 1 point = 0.01 yuan)'),
    maxSharePercent: z.int().describe('At most this share of an order may be paid with points'),
    perMemberDailyPoints: z.int().describe('Points a member may redeem at tills per business day; 0 = no limit'),
    confirm: z
      .enum(['scan', 'second_scan'])
      .describe('scan: the code scanned for the checkout confirms; second_scan: a second, fresh code must be scanned'),
  })
  .superRefine((r, ctx) => {
    const err = validatePointsCash(r);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

export const PendingDaysSchema = z
  .int()
  .min(0)
  .max(365)
  .describe('Purchase points become spendable this many days after the purchase; 0 = at once');

export const QuoteQuery = z.strictObject({
  memberCode: MemberCode,
  amountCents: z.coerce.number().int().min(1).max(MAX_PURCHASE_CENTS).describe('Order amount in cents (fen)'),
  points: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_POINTS)
    .optional()
    .describe('Points the member wants to use; default: the most usable'),
});

const Split = z.object({ points: z.int(), discountCents: z.int(), cashCents: z.int() });

export const QuoteResponse = z.object({
  memberId: Id,
  balance: z.int().describe('Points the member can spend now'),
  pendingPoints: z.int().describe('Purchase points not yet released'),
  maxPoints: z.int().describe('The most points this order may use (share, balance, daily cap)'),
  redeemedToday: z.int(),
  rules: z.object({
    enabled: z.boolean(),
    pointsPerYuan: z.int(),
    maxSharePercent: z.int(),
    perMemberDailyPoints: z.int(),
    confirm: z.enum(['scan', 'second_scan']),
  }),
  split: Split.describe('The requested points (at most maxPoints), or maxPoints: discount and cash'),
  earnPoints: z.int().describe('Points the cash part of this split earns'),
});
export type QuoteResponse = z.infer<typeof QuoteResponse>;

export const checkoutEndpoints = {
  staffCheckoutQuote: endpoint({
    method: 'get',
    path: '/api/staff/checkout/quote',
    tag: 'staff',
    auth: 'staff',
    summary:
      'Preview an order paid partly with points: balance, the most points usable, the split into discount and cash, and what the cash earns. Changes nothing and does not use the code up.',
    query: QuoteQuery,
    response: QuoteResponse,
    errors: ['VALIDATION_FAILED', 'MEMBER_CODE_INVALID', 'STORE_REQUIRED', 'RATE_LIMITED'],
  }),
};
