import { z } from 'zod';
import { validateEarningRules } from '../domain/points';
import { validateExpiryPolicy } from '../domain/expiry';
import { validateTierRules } from '../domain/tiers';
import { validateCheckinRules } from '../domain/checkin';
import { validateReferralRules } from '../domain/referrals';
import { validateTaskCatalog } from '../domain/tasks';

/**
 * Schemas of the operator-tunable settings. The server stores each as JSON and
 * validates with these; the operator API publishes them in the OpenAPI document.
 */
export const ExpiryPolicySchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('endOfMonth'),
      months: z.int().describe('Points expire at the end of the Nth month after they are earned'),
    }),
    z.object({ kind: z.literal('days'), days: z.int() }),
    z.object({ kind: z.literal('never') }),
  ])
  .superRefine((p, ctx) => {
    const err = validateExpiryPolicy(p);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

export const EarningRulesSchema = z
  .object({
    centsPerPoint: z.int().describe('Cents of spend per base point (100 = 1 point per yuan)'),
    multipliers: z
      .array(z.object({ code: z.string().min(1).max(32), percent: z.int() }))
      .max(10)
      .describe('Always-on extra multipliers (campaigns)'),
    excludedOrderPrefixes: z
      .array(z.string().min(1).max(16))
      .max(20)
      .optional()
      .describe('Orders whose number starts with one of these earn no points (e.g. gift cards)'),
  })
  .superRefine((r, ctx) => {
    const err = validateEarningRules(r);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

export const TierRulesSchema = z
  .object({
    tiers: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        minGrowth: z.int(),
        multiplierPercent: z.int(),
        benefits: z.array(z.string().max(64)).max(20),
        birthdayGiftPoints: z.int().min(0).max(1_000_000).optional(),
      }),
    ),
    windowMonths: z.int(),
    graceDays: z.int(),
    growthPerYuan: z.int(),
  })
  .superRefine((r, ctx) => {
    for (const message of validateTierRules(r)) ctx.addIssue({ code: 'custom', message });
  });

export const MemberDaysSchema = z.object({
  weekdays: z.array(z.int().min(1).max(7)).max(7).describe('ISO weekdays, 1 = Monday'),
  monthDays: z.array(z.int().min(1).max(31)).max(31),
  multiplierPercent: z.int().min(100).max(1000),
});

export const CreditCapsSchema = z.object({
  perStaffDailyPoints: z.int().min(0).max(2_147_483_647).describe('0 = no limit'),
  perMemberDailyPoints: z.int().min(0).max(2_147_483_647).describe('0 = no limit'),
});

export const PolicyVersionSchema = z.string().min(1).max(32);

export const PointValueSchema = z
  .number()
  .min(0)
  .max(10_000)
  .describe('What one point is worth in cents, for the liability figure');

export const CheckinRulesSchema = z
  .object({
    baseReward: z.int(),
    cycle: z.enum(['weekly', 'monthly', 'none']),
    streakBonuses: z.array(z.object({ day: z.int(), bonus: z.int() })).max(31),
    tierMultiplier: z.boolean(),
    makeupCostPoints: z.int(),
    makeupMaxPerCycle: z.int(),
  })
  .superRefine((r, ctx) => {
    const err = validateCheckinRules(r);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

export const ReferralRulesSchema = z
  .object({
    inviterPoints: z.int(),
    inviteePoints: z.int(),
    trigger: z.enum(['registration', 'first_purchase']),
    refundWindowDays: z.int(),
    milestoneEvery: z.int(),
    milestoneBonus: z.int(),
    dailyCapPerInviter: z.int(),
  })
  .superRefine((r, ctx) => {
    const err = validateReferralRules(r);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

export const NOTIFICATION_KINDS = [
  'tier_changed',
  'tier_at_risk',
  'points_expiring',
  'voucher_expiring',
  'birthday_gift',
  'referral_reward',
  'churn_wakeup',
] as const;
const Template = z.object({
  templateId: z.string().min(1).max(64).describe('Subscribe-message template id from the WeChat console'),
  title: z.string().min(1).max(32).describe('What the member is asked to subscribe to'),
  page: z.string().max(128).describe('Mini-program page opened from the message'),
  fields: z
    .record(z.string().regex(/^[a-z_]+\d+$/), z.string().max(64))
    .describe('Field key -> value with {placeholders} from the notification'),
});
export const NotificationSettingsSchema = z.object({
  quietHours: z
    .object({ start: z.int().min(0).max(23), end: z.int().min(0).max(23) })
    .describe('Business-time hours when no WeChat message is sent'),
  maxAttempts: z.int().min(1).max(20),
  templates: z.partialRecord(z.enum(NOTIFICATION_KINDS), Template),
  churnWeeklyCap: z.int().min(0).max(7).describe('Wake-up messages per member per week'),
  churnBenefitId: z
    .string()
    .regex(/^[1-9][0-9]*$/)
    .nullable()
    .describe('Free benefit issued once to members inactive 30 days'),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  quietHours: { start: 22, end: 8 },
  maxAttempts: 6,
  churnWeeklyCap: 1,
  churnBenefitId: null,
  templates: {
    tier_changed: {
      templateId: 'TPL_TIER_CHANGED',
      title: '会员等级变更通知',
      page: 'member/tier/index',
      fields: { thing1: '会员等级变更', phrase2: '{toName}', time3: '{date}' },
    },
    points_expiring: {
      templateId: 'TPL_POINTS_EXPIRING',
      title: '积分到期提醒',
      page: 'pages/points/index',
      fields: { number1: '{points}', time2: '{expiresOn}', thing3: '积分即将过期，记得使用' },
    },
    birthday_gift: {
      templateId: 'TPL_BIRTHDAY',
      title: '生日礼到账通知',
      page: 'pages/index/index',
      fields: { thing1: '生日快乐！生日礼积分已到账', number2: '{points}' },
    },
    voucher_expiring: {
      templateId: 'TPL_VOUCHER_EXPIRING',
      title: '优惠券到期提醒',
      page: 'member/vouchers/index',
      fields: { thing1: '{title}', time2: '{validUntil}' },
    },
  },
};

export const TaskCatalogSchema = z
  .object({
    clientReportsPerDay: z.int(),
    tasks: z
      .array(
        z.object({
          code: z.string(),
          title: z.string(),
          period: z.enum(['once', 'daily', 'weekly']),
          kind: z.enum(['client', 'profile', 'first_purchase', 'subscribe']),
          points: z.int(),
          growth: z.int(),
        }),
      )
      .max(50),
  })
  .superRefine((c, ctx) => {
    const err = validateTaskCatalog(c);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });
