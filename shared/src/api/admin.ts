import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IdParams, IsoDate, IsoDateTime, PageQuery } from './common';
import { StaffRole } from './auth';
import { AmountCents, OrderNo, TierView } from './tiers';
import { PendingDaysSchema, PointsCashSchema } from './checkout';
import {
  CreditCapsSchema,
  EarningRulesSchema,
  ExpiryPolicySchema,
  MemberDaysSchema,
  PointValueSchema,
  CheckinRulesSchema,
  ReferralRulesSchema,
  NotificationSettingsSchema,
  TaskCatalogSchema,
  PrivacyPolicySchema,
  PhoneTypingSchema,
  CheckinReminderSchema,
  TierRulesSchema,
  RetentionSchema,
} from './settings';
import { AlertRulesSchema, ChurnRulesSchema } from './churn';
import { BrandSettingsSchema } from './brand';
import { PhoneLookupSchema } from './phone-lookup';
import { MembershipRefundSettingsSchema, PlanBenefitDraft, SimulatedPlanBonus } from './membership';

/** Operator API: configuration, stores and staff, member search, rule simulation, audit log. */
export const SettingUpdate = z.discriminatedUnion('key', [
  z.strictObject({ key: z.literal('points.expiry'), value: ExpiryPolicySchema }),
  z.strictObject({ key: z.literal('points.earning'), value: EarningRulesSchema }),
  z.strictObject({ key: z.literal('tiers.rules'), value: TierRulesSchema }),
  z.strictObject({ key: z.literal('checkout.memberDays'), value: MemberDaysSchema }),
  z.strictObject({ key: z.literal('checkout.caps'), value: CreditCapsSchema }),
  z.strictObject({ key: z.literal('checkout.pointsCash'), value: PointsCashSchema }),
  z.strictObject({ key: z.literal('points.pendingDays'), value: PendingDaysSchema }),
  z.strictObject({ key: z.literal('privacy'), value: PrivacyPolicySchema }),
  z.strictObject({ key: z.literal('members.phoneTyping'), value: PhoneTypingSchema }),
  z.strictObject({ key: z.literal('checkin.reminder'), value: CheckinReminderSchema }),
  z.strictObject({ key: z.literal('points.valueCents'), value: PointValueSchema }),
  z.strictObject({ key: z.literal('checkin.rules'), value: CheckinRulesSchema }),
  z.strictObject({ key: z.literal('referrals.rules'), value: ReferralRulesSchema }),
  z.strictObject({ key: z.literal('notifications'), value: NotificationSettingsSchema }),
  z.strictObject({ key: z.literal('tasks.catalog'), value: TaskCatalogSchema }),
  z.strictObject({ key: z.literal('checkout.phoneLookup'), value: PhoneLookupSchema }),
  z.strictObject({ key: z.literal('insights.churn'), value: ChurnRulesSchema }),
  z.strictObject({ key: z.literal('insights.alerts'), value: AlertRulesSchema }),
  z.strictObject({ key: z.literal('retention'), value: RetentionSchema }),
  z.strictObject({ key: z.literal('brand'), value: BrandSettingsSchema }),
  z.strictObject({ key: z.literal('membership.refund'), value: MembershipRefundSettingsSchema }),
]);
export type SettingUpdate = z.infer<typeof SettingUpdate>;

export const SettingsList = z.object({
  items: z.array(z.object({ key: z.string(), value: z.unknown(), isDefault: z.boolean() })),
});
export const SettingChanged = z.object({ key: z.string(), value: z.unknown(), previous: z.unknown() });

export const StoreView = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  createdAt: IsoDateTime,
});
export const CreateStore = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]{2,32}$/),
  name: z.string().trim().min(1).max(64),
});
export const PatchStore = z
  .strictObject({
    name: z.string().trim().min(1).max(64).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change');

export const StaffView = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: StaffRole,
  storeId: Id.nullable(),
  memberId: Id.nullable(),
  status: z.enum(['active', 'disabled']),
  createdAt: IsoDateTime,
});
const Password = z.string().min(8).max(72).describe('8-72 characters');
export const CreateStaff = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{3,32}$/),
  password: Password,
  displayName: z.string().trim().min(1).max(64),
  role: StaffRole,
  storeId: Id.nullable().optional(),
  memberId: Id.nullable().optional().describe("The staff member's own member account, so they cannot credit it"),
});
export const PatchStaff = z
  .strictObject({
    displayName: z.string().trim().min(1).max(64).optional(),
    role: StaffRole.optional(),
    storeId: Id.nullable().optional(),
    status: z.enum(['active', 'disabled']).optional(),
    memberId: Id.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change');
export const ResetPassword = z.strictObject({ password: Password });
export const StaffUnlocked = z.object({
  staffId: Id,
  username: z.string(),
  cleared: z.number().int().nonnegative().describe('Lockout counters cleared (0: the account was not locked)'),
});
export { IdParams };

export const MemberSearchQuery = z
  .strictObject({
    phone: z
      .string()
      .regex(/^\+?[0-9 -]{6,20}$/)
      .optional(),
    code: z
      .string()
      .regex(/^[0-9]{8,32}$/)
      .optional()
      .describe('Member code from the card (not used up)'),
    id: Id.optional(),
  })
  .refine((q) => [q.phone, q.code, q.id].filter(Boolean).length === 1, 'Give exactly one of phone, code, id');
export const MemberSummary = z.object({
  id: Id,
  maskedName: z.string(),
  maskedPhone: z.string().nullable(),
  tier: TierView,
  balance: z.int(),
  growthInWindow: z.int(),
  status: z.string(),
  registeredAt: IsoDateTime,
});
export const MemberSearchResult = z.object({ items: z.array(MemberSummary) });

export const SimulateRequest = z.strictObject({
  amountCents: AmountCents,
  memberId: Id.optional().describe("Use this member's tier; otherwise give tierCode"),
  tierCode: z.string().optional(),
  orderNo: OrderNo.optional(),
  at: IsoDateTime.optional().describe('When the purchase happens (member days); default now'),
  redeemPoints: z
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .describe('Points offered as cash (capped by the share of the order; balance and daily cap are not applied)'),
  rules: z
    .strictObject({
      earning: EarningRulesSchema.optional(),
      tiers: TierRulesSchema.optional(),
      memberDays: MemberDaysSchema.optional(),
      pointsCash: PointsCashSchema.optional(),
      pendingDays: PendingDaysSchema.optional(),
      churn: ChurnRulesSchema.optional(),
      membershipPlan: PlanBenefitDraft.optional().describe(
        "A draft plan's earning benefit, in place of the member's paid plan (or for a member without one)",
      ),
    })
    .optional()
    .describe('Draft rules to try; omitted parts use the live configuration'),
});
export const SimulateResponse = z.object({
  points: z.int(),
  lines: z.array(z.object({ code: z.string(), points: z.int() })),
  growth: z.int(),
  memberDay: z.boolean(),
  excluded: z.boolean(),
  tierBefore: z.string(),
  tierAfter: z.string(),
  growthBefore: z.int(),
  redeemedPoints: z.int().describe('Points used as cash (0 without redeemPoints)'),
  discountCents: z.int(),
  cashCents: z.int().describe('What the points and growth above were earned on'),
  gifts: z
    .array(
      z.object({
        ruleId: Id,
        name: z.string(),
        trigger: z.string().describe('first_order or tier_reached'),
        points: z.int(),
        vouchers: z.array(z.object({ benefitId: Id, count: z.int() })),
      }),
    )
    .describe("Enabled gift rules this purchase would give: a first order's, and those of the tiers it reaches"),
  pending: z
    .object({
      days: z.int().describe('points.pendingDays in force (or the draft)'),
      releasesAt: IsoDateTime.nullable().describe('When the purchase points become spendable; null: at once'),
    })
    .describe('Pending points: the purchase points are held until then, and a refund before it cancels them'),
  churn: z
    .object({
      lastActiveOn: IsoDate.nullable(),
      quietDays: z.int().describe('Business days without activity at `at`'),
      stage: z.string().nullable().describe('The churn stage those quiet days reach (live or draft stages)'),
      action: z.string().nullable().describe("That stage's action: message, gift or dormant"),
      recovers: z.boolean().describe('The purchase is activity: a member in a stage counts as recovered'),
    })
    .nullable()
    .describe('With memberId: where the member stands in the staged churn before this purchase'),
  membership: SimulatedPlanBonus.nullable().describe(
    "Paid membership's extra points (included in points and lines): the member's paid plan, or the draft one",
  ),
});

export const AuditQuery = PageQuery.extend({
  action: z.string().max(64).optional(),
  actorType: z.enum(['member', 'staff', 'operator', 'system']).optional(),
  actorId: Id.optional(),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(64).optional(),
  from: IsoDate.optional().describe('First business date (inclusive)'),
  to: IsoDate.optional().describe('Last business date (inclusive)'),
});
export const AuditPage = z.object({
  items: z.array(
    z.object({
      id: Id,
      actorType: z.string(),
      actorId: Id.nullable(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      reason: z.string().nullable(),
      requestId: z.string().nullable(),
      createdAt: IsoDateTime,
    }),
  ),
  nextCursor: z.string().nullable(),
});

const op = { auth: 'operator' as const, tag: 'admin' };
export const adminEndpoints = {
  adminListSettings: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/settings',
    summary: 'All settings with their current values',
    response: SettingsList,
  }),
  adminPutSetting: endpoint({
    ...op,
    method: 'put',
    path: '/api/admin/settings',
    summary: 'Change one setting (validated; audited with before and after)',
    body: SettingUpdate,
    response: SettingChanged,
    errors: ['VALIDATION_FAILED'],
  }),
  adminListStores: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/stores',
    summary: 'Stores',
    response: z.object({ items: z.array(StoreView) }),
  }),
  adminCreateStore: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/stores',
    summary: 'Create a store',
    body: CreateStore,
    response: StoreView,
    status: 201,
    errors: ['VALIDATION_FAILED', 'STORE_CODE_TAKEN'],
  }),
  adminPatchStore: endpoint({
    ...op,
    method: 'patch',
    path: '/api/admin/stores/:id',
    params: IdParams,
    summary: 'Rename or disable a store',
    body: PatchStore,
    response: StoreView,
    errors: ['NOT_FOUND'],
  }),
  adminListStaff: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/staff',
    summary: 'Staff and operator accounts',
    response: z.object({ items: z.array(StaffView) }),
  }),
  adminCreateStaff: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/staff',
    summary: 'Create a staff, store manager or operator account',
    body: CreateStaff,
    response: StaffView,
    status: 201,
    errors: ['VALIDATION_FAILED', 'USERNAME_TAKEN', 'NOT_FOUND'],
  }),
  adminPatchStaff: endpoint({
    ...op,
    method: 'patch',
    path: '/api/admin/staff/:id',
    params: IdParams,
    summary: 'Change role, store or status (disabling ends all sessions)',
    body: PatchStaff,
    response: StaffView,
    errors: ['NOT_FOUND'],
  }),
  adminResetPassword: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/staff/:id/password',
    params: IdParams,
    summary: 'Set a new password (ends all sessions)',
    body: ResetPassword,
    response: StaffView,
    errors: ['NOT_FOUND'],
  }),
  adminUnlockStaff: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/staff/:id/unlock',
    params: IdParams,
    summary: 'Clear the password lockout of an account (every address and the per-username backstop); audited',
    response: StaffUnlocked,
    errors: ['NOT_FOUND'],
  }),
  adminSearchMembers: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/members',
    summary: 'Find a member by phone (HMAC lookup), member code or id; personal data masked',
    query: MemberSearchQuery,
    response: MemberSearchResult,
    errors: ['VALIDATION_FAILED'],
  }),
  adminSimulate: endpoint({
    ...op,
    method: 'post',
    path: '/api/admin/simulate',
    summary: 'What a purchase would earn under the live or draft rules; writes nothing',
    body: SimulateRequest,
    response: SimulateResponse,
    errors: ['VALIDATION_FAILED', 'MEMBER_NOT_FOUND'],
  }),
  adminAudit: endpoint({
    ...op,
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Audit log, newest first',
    query: AuditQuery,
    response: AuditPage,
    errors: ['VALIDATION_FAILED'],
  }),
};
