import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IdParams, IsoDateTime, PageQuery, TierCode } from './common';

/**
 * Paid membership (付费会员): plans operators sell, a member's subscription bought
 * with WeChat Pay, its benefits (extra points on purchases, a monthly pack of
 * vouchers, paid-members-only mall items, a tier floor) and refunds by operators.
 */
export const MembershipPeriod = z.enum(['month', 'quarter', 'year']).describe('How long one purchase lasts');
export type MembershipPeriod = z.infer<typeof MembershipPeriod>;
export const PlanBenefitKind = z
  .enum(['multiplier', 'cashback'])
  .describe('multiplier: purchase base points x percent/100; cashback: percent of the cash part back as points');
const PlanCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/);

const PlanFields = {
  title: z.string().trim().min(1).max(64),
  priceFen: z.int().min(1).max(10_000_000).describe('Price in fen; a change applies to new purchases only'),
  period: MembershipPeriod,
  benefitKind: PlanBenefitKind,
  benefitPercent: z
    .int()
    .min(0)
    .max(1000)
    .describe('multiplier: 150 = 1.5x the base points (the extra half given); cashback: 5 = 5 % back'),
  yearlyCapPoints: z
    .int()
    .min(0)
    .max(100_000_000)
    .describe('Most extra points a member earns by this benefit per business year (0 = no cap)'),
  packGiftRuleId: Id.nullable().describe("A gift rule with the trigger 'membership': given once a month while paid"),
  tierFloor: TierCode.nullable().describe('While paid, the member is treated as at least this tier'),
  active: z.boolean().describe('Inactive plans are not sold; running subscriptions keep their benefits'),
};
/** A plan's earning benefit alone: a draft for the operator's simulation. */
export const PlanBenefitDraft = z.strictObject({
  benefitKind: PlanFields.benefitKind,
  benefitPercent: PlanFields.benefitPercent,
  yearlyCapPoints: PlanFields.yearlyCapPoints.default(0),
});
/** The simulation's extra points of a paid plan (or a draft one) on a purchase. */
export const SimulatedPlanBonus = z.object({
  planCode: z.string().nullable().describe("The member's paid plan; null for the draft"),
  benefitKind: PlanBenefitKind,
  benefitPercent: z.int(),
  yearlyCapPoints: z.int(),
  wanted: z.int().describe('Extra points by the benefit before the cap'),
  capUsed: z.int().describe('Extra points the member already had this business year (0 without a member)'),
  capLeft: z.int().nullable().describe('What is left of the yearly cap before this purchase; null: no cap'),
  points: z.int().describe('Extra points this purchase would add (the `membership` line)'),
});
export const CreatePlan = z.strictObject({
  code: PlanCode,
  ...PlanFields,
  packGiftRuleId: PlanFields.packGiftRuleId.default(null),
  tierFloor: PlanFields.tierFloor.default(null),
  yearlyCapPoints: PlanFields.yearlyCapPoints.default(0),
  active: PlanFields.active.default(true),
});
export const PatchPlan = z
  .strictObject({
    title: PlanFields.title.optional(),
    priceFen: PlanFields.priceFen.optional(),
    benefitKind: PlanFields.benefitKind.optional(),
    benefitPercent: PlanFields.benefitPercent.optional(),
    yearlyCapPoints: PlanFields.yearlyCapPoints.optional(),
    packGiftRuleId: PlanFields.packGiftRuleId.optional(),
    tierFloor: PlanFields.tierFloor.optional(),
    active: PlanFields.active.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change');

export const PlanView = z.object({
  id: Id,
  code: z.string(),
  title: z.string(),
  priceFen: z.int(),
  period: MembershipPeriod,
  benefitKind: PlanBenefitKind,
  benefitPercent: z.int(),
  yearlyCapPoints: z.int(),
  packGiftRuleId: Id.nullable(),
  pack: z.array(z.object({ benefitId: Id, title: z.string(), count: z.int() })).describe('Vouchers given each month'),
  tierFloor: z.object({ code: z.string(), name: z.string() }).nullable(),
  active: z.boolean(),
});
export type PlanView = z.infer<typeof PlanView>;
export const PlanList = z.object({
  items: z.array(PlanView),
  payAvailable: z.boolean().describe('false: WeChat Pay is not configured; nothing can be bought now'),
});

export const PurchaseRequest = z.strictObject({ planCode: PlanCode });
export const PurchaseResponse = z.object({
  outTradeNo: z.string(),
  priceFen: z.int(),
  requestPayment: z
    .object({
      timeStamp: z.string(),
      nonceStr: z.string(),
      package: z.string(),
      signType: z.literal('RSA'),
      paySign: z.string(),
    })
    .describe('Pass to wx.requestPayment as is, then poll the order status'),
});

export const MembershipStatus = z
  .enum(['none', 'active', 'expired', 'refunded'])
  .describe('active: paid and not yet ended (server time); expired / refunded: benefits stopped');
export const MyMembership = z.object({
  status: MembershipStatus,
  plan: PlanView.nullable(),
  startedAt: IsoDateTime.nullable(),
  endsAt: IsoDateTime.nullable(),
  autoRenew: z.boolean().describe('Stored only: automatic renewal (委托代扣) is not offered yet'),
  thisYear: z.object({
    bonusPoints: z.int().describe('Extra points from the plan this business year'),
    capPoints: z.int().describe('The yearly cap (0 = none)'),
    packVouchers: z.int().describe('Vouchers of the monthly pack given this year'),
  }),
});
export type MyMembership = z.infer<typeof MyMembership>;
export const PatchMyMembership = z.strictObject({ autoRenew: z.boolean() });

export const OrderStatusParams = z.strictObject({ outTradeNo: z.string().regex(/^[A-Za-z0-9_-]{6,32}$/) });
export const MembershipOrderStatus = z.object({
  outTradeNo: z.string(),
  state: z.enum(['CREATED', 'PAID', 'CLOSED', 'REFUNDING', 'REFUNDED', 'PARTIALLY_REFUNDED']),
  activated: z.boolean().describe('The payment added a membership period (only a confirmed payment does)'),
  membership: MyMembership,
});

// ---- operators -------------------------------------------------------------

export const AdminPlanView = PlanView.extend({
  subscribers: z.int().describe('Members whose subscription to this plan is active now'),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export const AdminPlanList = z.object({ items: z.array(AdminPlanView) });

export const SubscribersQuery = PageQuery.extend({
  planId: Id.optional(),
  status: z.enum(['active', 'expired', 'refunded']).optional(),
  memberId: Id.optional(),
});
export const SubscriberView = z.object({
  memberId: Id,
  planId: Id,
  planTitle: z.string(),
  status: z.enum(['active', 'expired', 'refunded']),
  startedAt: IsoDateTime,
  endsAt: IsoDateTime,
  autoRenew: z.boolean(),
  periods: z.int(),
  paidFen: z.int(),
});
export const SubscriberPage = z.object({ items: z.array(SubscriberView), nextCursor: z.string().nullable() });

export const RefundPreviewQuery = z.strictObject({ memberId: Id });
export const MembershipRefundPreview = z.object({
  memberId: Id,
  periodId: Id.describe('The latest paid period not refunded: the one a refund takes back'),
  outTradeNo: z.string(),
  paidFen: z.int(),
  totalDays: z.int(),
  unusedDays: z.int(),
  full: z.boolean().describe('Within the full-refund window and no benefit used'),
  usedValueFen: z.int().describe('Value of the benefits used in this period (extra points, vouchers used)'),
  refundFen: z.int(),
  unusedVouchers: z.int().describe('Pack vouchers to be cancelled'),
  bonusPoints: z.int().describe('Extra points to be taken back (a debt if spent, like checkout refunds)'),
  endsAt: IsoDateTime.describe('The membership end after the refund'),
});
export const MembershipRefundRequest = z.strictObject({
  memberId: Id,
  periodId: Id.describe('As the preview named it: a refund of another period is refused'),
  reason: z.string().trim().min(1).max(120),
});
export const MembershipRefundView = MembershipRefundPreview.extend({
  refundId: Id,
  status: z.enum(['requested', 'done', 'failed']),
  replayed: z.boolean(),
});

export const MembershipMetrics = z.object({
  paidMembers: z.int().describe('Subscriptions active now'),
  revenueFen: z.int().describe('Paid for periods less refunds (all time)'),
  refundedFen: z.int(),
  periods: z.int(),
  renewalRate: z
    .number()
    .describe('Of the subscriptions that reached an end or were renewed, the share renewed (0..1)'),
  bonusPoints: z
    .int()
    .describe('Extra points given by plans (cost of benefits), less the share taken back by refunds of their orders'),
  bonusRefundedPoints: z.int().describe('Extra points taken back by refunds of the purchases that earned them'),
  bonusCostFen: z.int().describe('bonusPoints at the configured point value'),
  packVouchers: z.int().describe('Monthly pack vouchers given'),
});

export const MembershipRefundSettingsSchema = z.strictObject({
  fullRefundDays: z
    .int()
    .min(0)
    .max(90)
    .describe('Within this many days of a period start, and with no benefit used, the refund is the full price'),
});
export type MembershipRefundSettings = z.infer<typeof MembershipRefundSettingsSchema>;
export const DEFAULT_MEMBERSHIP_REFUND: MembershipRefundSettings = { fullRefundDays: 7 };

const member = { auth: 'member' as const, tag: 'membership' };
const op = { auth: 'operator' as const, tag: 'admin' };
export const membershipEndpoints = {
  listMembershipPlans: endpoint({
    ...member,
    method: 'get',
    path: '/api/membership/plans',
    summary: 'Plans on sale, with their benefits and price',
    response: PlanList,
  }),
  purchaseMembership: endpoint({
    ...member,
    method: 'post',
    path: '/api/membership/purchase',
    summary:
      'Start paying for a plan (a WeChat Pay order at the current price); the membership starts or is extended only when the payment is confirmed',
    body: PurchaseRequest,
    response: PurchaseResponse,
    idempotencyKey: true,
    errors: ['PLAN_NOT_FOUND', 'PAY_UNAVAILABLE', 'IDEMPOTENCY_CONFLICT'],
  }),
  getMyMembership: endpoint({
    ...member,
    method: 'get',
    path: '/api/me/membership',
    summary: 'My paid membership: status, plan, end date and benefits used this year',
    response: MyMembership,
  }),
  patchMyMembership: endpoint({
    ...member,
    method: 'patch',
    path: '/api/me/membership',
    summary: 'Turn the auto-renew wish on or off (stored; no automatic charge is made yet)',
    body: PatchMyMembership,
    response: MyMembership,
    errors: ['NOT_FOUND'],
  }),
  membershipOrderStatus: endpoint({
    ...member,
    method: 'get',
    path: '/api/membership/orders/:outTradeNo',
    params: OrderStatusParams,
    summary: 'A membership payment of mine; asks WeChat Pay while it is still unpaid, so the app can poll',
    response: MembershipOrderStatus,
    errors: ['PAY_ORDER_NOT_FOUND'],
  }),
  adminListMembershipPlans: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/membership/plans',
    summary: 'Every plan with its active subscribers',
    response: AdminPlanList,
  }),
  adminCreateMembershipPlan: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/membership/plans',
    summary: 'Add a plan (audited)',
    body: CreatePlan,
    response: AdminPlanView,
    status: 201,
    errors: ['VALIDATION_FAILED', 'PLAN_CODE_TAKEN', 'GIFT_RULE_NOT_FOUND'],
  }),
  adminPatchMembershipPlan: endpoint({
    ...op,
    method: 'patch',
    path: '/api/admin/membership/plans/:id',
    params: IdParams,
    summary: 'Change a plan (audited); a new price applies to purchases from now on',
    body: PatchPlan,
    response: AdminPlanView,
    errors: ['VALIDATION_FAILED', 'PLAN_NOT_FOUND', 'GIFT_RULE_NOT_FOUND'],
  }),
  adminMembershipSubscribers: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/membership/subscribers',
    summary: 'Subscriptions, newest change first',
    query: SubscribersQuery,
    response: SubscriberPage,
  }),
  adminMembershipRefundPreview: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/membership/refund-preview',
    summary: 'What refunding a member now would give back and take back (writes nothing)',
    query: RefundPreviewQuery,
    response: MembershipRefundPreview,
    errors: ['NOT_FOUND'],
  }),
  adminMembershipRefund: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/membership/refunds',
    summary:
      'Refund the latest period pro rata (full within the window when nothing was used): shortens the membership, cancels unused pack vouchers, takes extra points back (audited)',
    body: MembershipRefundRequest,
    response: MembershipRefundView,
    idempotencyKey: true,
    errors: ['NOT_FOUND', 'IDEMPOTENCY_CONFLICT', 'PAY_UNAVAILABLE'],
  }),
  adminMembershipMetrics: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/membership/metrics',
    summary: 'Paid members, renewal rate, revenue and the cost of benefits',
    response: MembershipMetrics,
  }),
};
