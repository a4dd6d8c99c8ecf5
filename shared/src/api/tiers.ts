import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IsoDateTime } from './common';
import { MAX_PURCHASE_CENTS } from '../domain/points';
import { ConfirmationList, MemberToken } from './phone-lookup';

/** Tiers, growth value and the member card (rotating code). */
export const TierView = z.object({
  code: z.string(),
  name: z.string(),
  minGrowth: z.int(),
  multiplierPercent: z.int().describe('Points multiplier, 100 = x1'),
  benefits: z.array(z.string()),
});
export type TierView = z.infer<typeof TierView>;

export const GrowthEntryView = z.object({
  id: Id,
  delta: z.int(),
  source: z.string().describe('purchase | refund | action:<name> | adjust'),
  label: z.string().describe('How it was earned, in words (store, order, amount)'),
  ref: z.string().nullable(),
  createdAt: IsoDateTime,
  countsUntil: IsoDateTime.describe('When this entry leaves the rolling window'),
});

export const TierResponse = z.object({
  current: TierView,
  since: IsoDateTime,
  growthInWindow: z.int(),
  window: z.object({ months: z.int(), from: IsoDateTime }),
  next: z.object({ tier: TierView, needed: z.int().describe('Growth still needed to reach it') }).nullable(),
  keep: z.object({
    minGrowth: z.int(),
    needed: z.int().describe('Growth still needed in the window to keep the current tier at the next evaluation'),
    atRisk: z.boolean(),
    graceUntil: IsoDateTime.nullable().describe('Set when the tier will be lowered at the end of a grace period'),
  }),
  tiers: z.array(TierView),
  entries: z.array(GrowthEntryView).describe('Growth entries in the window, newest first (at most 100)'),
});
export type TierResponse = z.infer<typeof TierResponse>;

export const CardResponse = z.object({
  memberId: Id,
  maskedName: z.string(),
  tier: TierView,
  balance: z.int(),
  pendingPoints: z
    .int()
    .optional()
    .describe('Purchase points earned but not yet spendable (pending points); always sent by the server'),
  code: z.object({
    secretHex: z
      .string()
      .describe('TOTP secret for this member: the device computes the code offline with the shared rule'),
    stepSeconds: z.int(),
    digits: z.int(),
    current: z.string().describe("The code for the server's current time step"),
    expiresAt: IsoDateTime,
  }),
  serverTime: IsoDateTime.describe('Lets the device correct its clock offset'),
});
export type CardResponse = z.infer<typeof CardResponse>;

/** What the open card asks for every few seconds: one light read instead of the card and the requests apart. */
export const CardPulse = z.object({
  balance: z.int(),
  pendingPoints: z.int(),
  confirmations: ConfirmationList.shape.items.describe(
    "The counter's requests waiting for this member (as GET /api/me/confirmations)",
  ),
  serverTime: IsoDateTime,
});
export type CardPulse = z.infer<typeof CardPulse>;

export const MemberCode = z
  .string()
  .regex(/^[0-9]{8,32}$/, 'digits only')
  .describe("The number under the member's barcode / in the QR");
export const OrderNo = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 of A-Z a-z 0-9 _ -');
export const AmountCents = z
  .int()
  .min(1)
  .max(MAX_PURCHASE_CENTS)
  .describe('Amount in cents (fen), a positive whole number');

export const LookupQuery = z.strictObject({ code: MemberCode });
export const LookupResponse = z.object({
  memberId: Id,
  maskedName: z.string(),
  maskedPhone: z.string().nullable(),
  tier: TierView,
  balance: z.int(),
  memberDay: z.boolean(),
});

export const CheckoutRequest = z
  .strictObject({
    memberCode: MemberCode.optional().describe('The scanned member code; required unless memberToken is sent'),
    memberToken: MemberToken.optional().describe(
      'Instead of memberCode: the single-use token of a confirmed phone lookup of this store (no points as cash with it), or of a confirmed redeem confirmation (exactly its order, amount and points)',
    ),
    orderNo: OrderNo,
    amountCents: AmountCents,
    redeemPoints: z
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .describe("Points to pay part of the order with (at most the quote's maxPoints); 0 or absent: none"),
    redeemCode: MemberCode.optional().describe(
      'A second, fresh member code, when the operator asks for one to use points',
    ),
  })
  .refine((r) => (r.memberCode === undefined) !== (r.memberToken === undefined), {
    message: 'Send memberCode or memberToken, one of them',
    path: ['memberCode'],
  });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;
export const CheckoutResponse = z.object({
  orderNo: z.string(),
  memberId: Id,
  maskedName: z.string(),
  amountCents: z.int(),
  points: z.int(),
  lines: z.array(z.object({ code: z.string(), points: z.int() })).describe('base, tier, member_day: each rounded down'),
  growth: z.int(),
  balance: z.int(),
  tier: TierView,
  tierChanged: z.object({ from: z.string(), to: z.string() }).nullable(),
  redeemedPoints: z.int().describe('Points paid with (0 when none)'),
  discountCents: z.int().describe('What the redeemed points paid'),
  cashCents: z.int().describe('The rest, paid in money: points and growth are earned on this part'),
  pendingPoints: z.int().describe('Of the points earned, those not yet spendable'),
  pendingUntil: IsoDateTime.nullable().describe('When pending points are released'),
  replayed: z.boolean(),
});
export type CheckoutResponse = z.infer<typeof CheckoutResponse>;

export const RefundRequest = z.strictObject({ orderNo: OrderNo, amountCents: AmountCents });
export const RefundResponse = z.object({
  orderNo: z.string(),
  amountCents: z.int(),
  refundedCentsTotal: z.int(),
  pointsReversed: z.int(),
  growthReversed: z.int(),
  balance: z.int().describe('May be negative: points already spent become a debt paid off by later credits'),
  redeemedPointsReturned: z.int().describe('Points the order was paid with, given back in proportion'),
  pendingCancelled: z.int().describe('Of pointsReversed, those taken from points still pending (no debt)'),
  replayed: z.boolean(),
});

export const tierEndpoints = {
  getTier: endpoint({
    method: 'get',
    path: '/api/me/tier',
    tag: 'tiers',
    auth: 'member',
    summary:
      'Current tier, growth in the rolling window, what the next tier needs, what keeps this one, and each growth entry explained',
    response: TierResponse,
  }),
  getCard: endpoint({
    method: 'get',
    path: '/api/me/card',
    tag: 'tiers',
    auth: 'member',
    summary: 'Member card: tier, balance and the TOTP secret from which the device computes the rotating member code',
    response: CardResponse,
  }),
  getCardPulse: endpoint({
    method: 'get',
    path: '/api/me/card/pulse',
    tag: 'tiers',
    auth: 'member',
    summary:
      'While the card is on screen (every 3 s for a few minutes): the balance, so points credited at the counter show at once, and the requests of the counter waiting for this member',
    response: CardPulse,
  }),
  staffLookup: endpoint({
    method: 'get',
    path: '/api/staff/members/lookup',
    tag: 'staff',
    auth: 'staff',
    summary: 'Preview the member behind a scanned code before crediting (does not use the code up)',
    query: LookupQuery,
    response: LookupResponse,
    errors: ['VALIDATION_FAILED', 'MEMBER_CODE_INVALID', 'STORE_REQUIRED', 'RATE_LIMITED'],
  }),
  staffCheckout: endpoint({
    method: 'post',
    path: '/api/staff/checkout',
    tag: 'staff',
    auth: 'staff',
    summary:
      'Credit a purchase: verifies the member code (current or previous 30 s step, once), optionally pays part of it with points (redeemPoints), credits points (base x tier x member day) and growth on the cash part, upgrades the tier. Idempotent on (store, orderNo).',
    body: CheckoutRequest,
    response: CheckoutResponse,
    errors: [
      'VALIDATION_FAILED',
      'MEMBER_CODE_INVALID',
      'MEMBER_CODE_REPLAYED',
      'IDEMPOTENCY_CONFLICT',
      'STORE_REQUIRED',
      'SELF_CREDIT_FORBIDDEN',
      'DAILY_CAP_REACHED',
      'INSUFFICIENT_POINTS',
      'REDEEM_LIMIT_EXCEEDED',
      'REDEEM_CODE_REQUIRED',
      'RATE_LIMITED',
    ],
  }),
  staffRefund: endpoint({
    method: 'post',
    path: '/api/staff/refunds',
    tag: 'staff',
    auth: 'staff',
    idempotencyKey: true,
    summary:
      'Refund all or part of an order of this store: reverses points and growth in proportion; points already spent become a debt',
    body: RefundRequest,
    response: RefundResponse,
    errors: ['VALIDATION_FAILED', 'ORDER_NOT_FOUND', 'REFUND_EXCEEDS_ORDER', 'IDEMPOTENCY_CONFLICT', 'STORE_REQUIRED'],
  }),
};
