import { z } from 'zod';
import { validateEarningRules } from '../domain/points';
import { validateExpiryPolicy } from '../domain/expiry';
import { validateTierRules } from '../domain/tiers';
import { validateCheckinRules } from '../domain/checkin';
import { validateReferralRules } from '../domain/referrals';
import { validateTaskCatalog } from '../domain/tasks';
import { NOTIFICATION_KINDS, type NotificationKind } from '../domain/subscribe';

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

/** The privacy policy members accept: a new `version` asks every member again. */
export const PrivacyPolicySchema = z.object({
  version: PolicyVersionSchema.describe('Changing it asks every member to accept the policy again'),
  title: z.string().trim().min(1).max(64),
  text: z.string().trim().min(1).max(20_000).describe('Plain text; paragraphs separated by blank lines'),
});
export type PrivacyPolicy = z.infer<typeof PrivacyPolicySchema>;

export const DEFAULT_PRIVACY_POLICY: PrivacyPolicy = {
  version: 'v1',
  title: '会员隐私政策',
  text: [
    '欢迎加入会员计划。我们重视您的个人信息，本政策说明我们收集哪些信息、为什么收集以及您享有的权利。',
    '一、我们收集的信息\n1. 微信身份标识（OpenID）：用于识别您的会员账户，登录时自动获取。\n2. 昵称、生日：由您主动填写，用于会员称呼和生日礼遇。\n3. 手机号码：经您在微信中授权后获取，用于到店识别会员身份；手机号加密存储，页面只显示部分号码。\n4. 积分、消费、签到、兑换记录：用于计算积分、等级和权益。',
    '二、我们如何使用信息\n仅用于提供会员服务：积分累计与使用、等级评定、权益发放、到期提醒和您订阅的消息通知。我们不会将您的个人信息出售给任何第三方，也不会用于本政策以外的用途。',
    '三、消息通知\n只有在您同意订阅后，我们才会通过微信向您发送对应的服务通知，每次订阅只发送一条。',
    '四、信息保存与安全\n您的信息保存在中华人民共和国境内的服务器上，手机号码加密存储，访问受到严格控制。注销账户后，我们删除您的个人信息；依法需要保留的交易记录以去标识化方式保存。',
    '五、您的权利\n您可以在"我的"页面查看和修改资料、导出您的全部数据、撤回订阅或注销账户。',
    '六、政策更新\n政策有重大变化时，我们会在小程序内提示您重新阅读并确认。继续提供个人信息前需要您同意新版本。',
    '如有疑问，请联系门店工作人员或通过小程序内的客服与我们联系。',
  ].join('\n\n'),
};
/** The default policy's date (it has no stored row to date it). */
export const DEFAULT_PRIVACY_POLICY_DATE = '2026-12-01T00:00:00.000Z';

export const PhoneTypingSchema = z
  .boolean()
  .describe('Members may type a phone number (stored as unverified) besides binding it through WeChat');

export const CheckinReminderSchema = z.object({
  enabled: z.boolean(),
  hour: z
    .int()
    .min(0)
    .max(23)
    .describe('Business-time hour when members with a streak who have not checked in are reminded'),
});
export type CheckinReminderSettings = z.infer<typeof CheckinReminderSchema>;
export const DEFAULT_CHECKIN_REMINDER: CheckinReminderSettings = { enabled: true, hour: 20 };

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

export { NOTIFICATION_KINDS, type NotificationKind };
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
    .describe('Free benefit of a churn gift stage that names none (insights.churn)'),
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
    tier_at_risk: {
      templateId: 'TPL_TIER_AT_RISK',
      title: '会员保级提醒',
      page: 'member/tier/index',
      fields: { thing1: '再获得成长值即可保住当前等级', number2: '{needed}' },
    },
    referral_reward: {
      templateId: 'TPL_REFERRAL_REWARD',
      title: '邀请奖励到账通知',
      page: 'member/invite/index',
      fields: { thing1: '好友已加入，邀请奖励已到账', number2: '{points}' },
    },
    churn_wakeup: {
      templateId: 'TPL_CHURN_WAKEUP',
      title: '会员权益提醒',
      page: 'pages/benefits/index',
      fields: { thing1: '好久不见，新的会员权益等您来看' },
    },
    checkin_reminder: {
      templateId: 'TPL_CHECKIN_REMINDER',
      title: '签到提醒',
      page: 'pages/index/index',
      fields: { thing1: '今天还没签到，别断了连续签到', number2: '{streak}' },
    },
    gift_granted: {
      templateId: 'TPL_GIFT_GRANTED',
      title: '会员礼遇到账通知',
      page: 'member/vouchers/index',
      fields: { thing1: '{title}', thing2: '{summary}' },
    },
    membership_expired: {
      templateId: 'TPL_MEMBERSHIP_EXPIRED',
      title: '会员到期提醒',
      page: 'member/membership/index',
      fields: { thing1: '{planTitle}', time2: '{endDate}' },
    },
    lookup_request: {
      templateId: 'TPL_LOOKUP_REQUEST',
      title: '会员身份确认提醒',
      page: 'member/confirm/index',
      fields: { thing1: '{storeName}', thing2: '店员正在查找您的会员身份，请确认' },
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
          kind: z.enum(['client', 'profile', 'first_purchase', 'subscribe', 'browse', 'share']),
          points: z.int(),
          growth: z.int(),
          minSeconds: z.int().optional().describe('browse: seconds the page stays open, by server time (default 15)'),
          dailyCap: z.int().optional().describe('share: paid new visitors per business date (default 3)'),
        }),
      )
      .max(50),
  })
  .superRefine((c, ctx) => {
    const err = validateTaskCatalog(c);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  });

/**
 * How long the retention jobs keep each helper table, in days. Each floor is the
 * longest idempotency or period window that table answers for, so no setting can
 * delete a row a replay still needs: a check-in key answers a retry after midnight
 * (2 days), a member code is accepted for a minute (1 day), a weekly task or
 * make-up allowance counts for its week, a cap or churn counter for its cycle
 * (62 days, two months), a parked message stays for an operator to look at (7).
 */
export const RetentionSchema = z.strictObject({
  checkinRequestsDays: z.int().min(2).max(3650).describe('Check-in request keys (replay of a tap)'),
  codeUsesDays: z.int().min(1).max(3650).describe('Used member codes (a code is accepted once)'),
  countersDays: z.int().min(62).max(3650).describe('Cap counters, by the start of their period'),
  taskCompletionsDays: z.int().min(8).max(3650).describe('Daily and weekly task completions (one-off tasks are kept)'),
  outboxSentDays: z.int().min(1).max(3650).describe('Outbox messages sent'),
  outboxParkedDays: z.int().min(7).max(3650).describe('Outbox messages given up on (parked)'),
  inboxDays: z.int().min(30).max(3650).describe('In-app inbox messages'),
  // Optional so settings saved before it still parse. A run's key names its date, and the
  // incremental reconcile falls back to a full pass when its marker has gone.
  jobRunsDays: z
    .int()
    .min(30)
    .max(3650)
    .default(90)
    .describe('Finished background job runs (jobs run every few minutes add a row per run)'),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const DEFAULT_RETENTION: Retention = {
  checkinRequestsDays: 30,
  codeUsesDays: 7,
  countersDays: 120,
  taskCompletionsDays: 60,
  outboxSentDays: 30,
  outboxParkedDays: 90,
  inboxDays: 180,
  jobRunsDays: 90,
};
