import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IdParams, IsoDateTime, PageQuery, TierCode } from './common';

/**
 * Gift rules: a trigger gives vouchers and/or points, once per member and
 * occurrence (once ever, once per tier, once per month, once per birthday year).
 * Operators configure them; grants are listed with what was given or skipped.
 */
export const GIFT_TRIGGERS = [
  'join',
  'first_order',
  'tier_reached',
  'birthday',
  'monthly_pack',
  'membership',
  'churn',
] as const;
export const GiftTrigger = z
  .enum(GIFT_TRIGGERS)
  .describe(
    'join: registration; first_order: first checkout; tier_reached: first time the member reaches tierCode; birthday: the birthday job; monthly_pack: the 1st of each month, to members of tierCode; membership: the monthly pack of a paid membership plan naming the rule (given by the membership module only); churn: the gift of a churn stage naming the rule (given by the churn job only)',
  );
export type GiftTrigger = z.infer<typeof GiftTrigger>;
export const GiftGrantStatus = z
  .enum(['pending', 'granted', 'partial', 'skipped'])
  .describe('partial: some vouchers could not be issued (sold out, limit, expired); skipped: nothing could be given');

export const GiftVoucherLine = z.strictObject({ benefitId: Id, count: z.int().min(1).max(10) });

const needsTier = (trigger: GiftTrigger) => trigger === 'tier_reached' || trigger === 'monthly_pack';
const RuleFields = {
  name: z.string().trim().min(1).max(64),
  tierCode: TierCode.nullable()
    .default(null)
    .describe(
      'tier_reached, monthly_pack: the tier (required); join, first_order, birthday: only members of this tier',
    ),
  points: z.int().min(0).max(1_000_000).default(0),
  vouchers: z.array(GiftVoucherLine).max(10).default([]),
  enabled: z.boolean().default(true),
};
export const CreateGiftRule = z
  .strictObject({ ...RuleFields, trigger: GiftTrigger })
  .refine((r) => r.points > 0 || r.vouchers.length > 0, 'Give points or vouchers')
  .refine((r) => !needsTier(r.trigger) || r.tierCode !== null, {
    message: 'This trigger needs a tier',
    path: ['tierCode'],
  });
export const PatchGiftRule = z
  .strictObject({
    name: RuleFields.name.optional(),
    tierCode: TierCode.nullable().optional(),
    points: z.int().min(0).max(1_000_000).optional(),
    vouchers: z.array(GiftVoucherLine).max(10).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change');

export const GiftRuleView = z.object({
  id: Id,
  name: z.string(),
  trigger: GiftTrigger,
  tierCode: z.string().nullable(),
  points: z.int(),
  vouchers: z.array(z.object({ benefitId: Id, count: z.int(), title: z.string() })),
  enabled: z.boolean(),
  grants: z.object({ pending: z.int(), granted: z.int(), partial: z.int(), skipped: z.int() }),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export const GiftRuleList = z.object({ items: z.array(GiftRuleView) });

export const GiftGrantView = z.object({
  id: Id,
  ruleId: Id.nullable().describe("null: the tier's birthday points (tier settings)"),
  ruleName: z.string(),
  memberId: Id,
  trigger: GiftTrigger,
  occurrence: z.string().describe("'once', a tier code, a month YYYY-MM or a year"),
  status: GiftGrantStatus,
  points: z.int(),
  vouchers: z.array(
    z.object({
      benefitId: Id,
      count: z.int(),
      given: z.int(),
      skipped: z.string().nullable().describe('Why not all were given: out_of_stock, refused'),
    }),
  ),
  createdAt: IsoDateTime,
  grantedAt: IsoDateTime.nullable(),
});
export const GiftGrantsQuery = PageQuery.extend({
  ruleId: Id.optional(),
  memberId: Id.optional(),
  status: GiftGrantStatus.optional(),
});
export const GiftGrantPage = z.object({ items: z.array(GiftGrantView), nextCursor: z.string().nullable() });

const op = { auth: 'operator' as const, tag: 'admin' };
export const giftEndpoints = {
  adminListGiftRules: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/gift-rules',
    summary: 'Gift rules with their grants so far (pending, granted, partial, skipped)',
    response: GiftRuleList,
  }),
  adminCreateGiftRule: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/gift-rules',
    summary: 'Add a gift rule (audited)',
    body: CreateGiftRule,
    response: GiftRuleView,
    status: 201,
    errors: ['VALIDATION_FAILED', 'BENEFIT_NOT_FOUND'],
  }),
  adminPatchGiftRule: endpoint({
    ...op,
    method: 'patch',
    path: '/api/admin/gift-rules/:id',
    params: IdParams,
    summary: 'Change, enable or disable a gift rule (audited); grants already written keep what they were given',
    body: PatchGiftRule,
    response: GiftRuleView,
    errors: ['VALIDATION_FAILED', 'GIFT_RULE_NOT_FOUND', 'BENEFIT_NOT_FOUND'],
  }),
  adminGiftGrants: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/gift-grants',
    summary: 'Gift grants, newest first, by rule, member or status',
    query: GiftGrantsQuery,
    response: GiftGrantPage,
    errors: ['VALIDATION_FAILED'],
  }),
};
