import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime, MAX_POINTS } from './common';
import { AmountCents, MemberCode, OrderNo } from './tiers';
import { MemberToken, RequestIdParams } from './phone-lookup';
import { MAX_PURCHASE_CENTS } from '../domain/points';
import { validatePointsCash } from '../domain/points-cash';

/** How the member confirms the points a checkout uses (the rule and the quote's copy of it). */
const PointsCashConfirm = z.enum(['scan', 'second_scan', 'phone']);

/** Points as cash at the till: the operator's rules, and the counter's preview of an order. */
export const PointsCashSchema = z
  .object({
    enabled: z.boolean(),
    pointsPerYuan: z.int().describe('Points worth one yuan of discount (100: 1 point = 0.01 yuan)'),
    maxSharePercent: z.int().describe('At most this share of an order may be paid with points'),
    perMemberDailyPoints: z.int().describe('Points a member may redeem at tills per business day; 0 = no limit'),
    confirm: PointsCashConfirm.describe(
      'scan: the code scanned for the checkout confirms; second_scan: a second, fresh code must be scanned; phone: the member confirms the points in the app (a redeem confirmation), and the checkout sends its token',
    ),
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
    confirm: PointsCashConfirm,
  }),
  split: Split.describe('The requested points (at most maxPoints), or maxPoints: discount and cash'),
  earnPoints: z.int().describe('Points the cash part of this split earns'),
});
export type QuoteResponse = z.infer<typeof QuoteResponse>;

/** The member confirms in the app that these points pay part of this order (setting `confirm: phone`). */
export const RedeemConfirmationRequest = z.strictObject({
  memberCode: MemberCode.describe('The code scanned for the order (checked, not used up)'),
  orderNo: OrderNo,
  amountCents: AmountCents,
  redeemPoints: z.int().min(1).max(MAX_POINTS),
});
export const RedeemConfirmationCreated = z.object({
  requestId: z.string(),
  points: z.int().describe('The points asked, trimmed to the fewest buying the same discount: send these'),
  discountCents: z.int(),
  cashCents: z.int(),
  expiresAt: IsoDateTime,
});
export const RedeemConfirmationState = z.object({
  requestId: z.string(),
  status: z.enum(['pending', 'confirmed', 'used', 'expired']).describe('A refusal stays pending to the clerk'),
  memberToken: MemberToken.nullable().describe(
    'Once confirmed: memberToken of the one checkout of this order, with these points and this amount',
  ),
  tokenExpiresAt: IsoDateTime.nullable(),
});

export const checkoutEndpoints = {
  staffRedeemConfirmation: endpoint({
    method: 'post',
    path: '/api/staff/checkout/redeem-confirmations',
    tag: 'staff',
    auth: 'staff',
    summary:
      'Ask the member to confirm in the app that points pay part of this order (operator setting confirm: phone). Lives 2 minutes; the member sees store, points, discount and amount. Audited.',
    body: RedeemConfirmationRequest,
    response: RedeemConfirmationCreated,
    errors: ['VALIDATION_FAILED', 'MEMBER_CODE_INVALID', 'STORE_REQUIRED', 'RATE_LIMITED', 'REDEEM_LIMIT_EXCEEDED'],
  }),
  staffRedeemConfirmationState: endpoint({
    method: 'get',
    path: '/api/staff/checkout/redeem-confirmations/:id',
    tag: 'staff',
    auth: 'staff',
    params: RequestIdParams,
    summary:
      "A redeem confirmation of this store: pending until the member confirms; then the token for the order's one checkout",
    response: RedeemConfirmationState,
    errors: ['VALIDATION_FAILED', 'STORE_REQUIRED', 'LOOKUP_NOT_FOUND'],
  }),
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
