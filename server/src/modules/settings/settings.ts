import { z } from 'zod';
import {
  CreditCapsSchema,
  DEFAULT_EARNING_RULES,
  DEFAULT_EXPIRY_POLICY,
  DEFAULT_TIER_RULES,
  EarningRulesSchema,
  ExpiryPolicySchema,
  MemberDaysSchema,
  PointValueSchema,
  CheckinRulesSchema,
  DEFAULT_CHECKIN_RULES,
  ReferralRulesSchema,
  DEFAULT_REFERRAL_RULES,
  NotificationSettingsSchema,
  DEFAULT_NOTIFICATION_SETTINGS,
  TaskCatalogSchema,
  DEFAULT_TASKS,
  PrivacyPolicySchema,
  DEFAULT_PRIVACY_POLICY,
  PhoneTypingSchema,
  CheckinReminderSchema,
  DEFAULT_CHECKIN_REMINDER,
  TierRulesSchema,
  ChurnRulesSchema,
  DEFAULT_CHURN_RULES,
  AlertRulesSchema,
  DEFAULT_ALERT_RULES,
  PointsCashSchema,
  DEFAULT_POINTS_CASH,
  PendingDaysSchema,
  PhoneLookupSchema,
  DEFAULT_PHONE_LOOKUP,
  RetentionSchema,
  DEFAULT_RETENTION,
  BrandSettingsSchema,
  DEFAULT_BRAND,
  MembershipRefundSettingsSchema,
  DEFAULT_MEMBERSHIP_REFUND,
} from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import * as store from './store';
import { Remembered } from '../../core/remembered';

/**
 * Operator-tunable settings stored as JSON rows in app_config, each with a schema
 * (from shared/, so the operator API documents it) and a default. Read through a
 * short cache: several server instances pick up a change within `ttlMs`.
 */
export const SETTINGS = {
  'points.expiry': { schema: ExpiryPolicySchema, default: DEFAULT_EXPIRY_POLICY },
  'points.earning': { schema: EarningRulesSchema, default: DEFAULT_EARNING_RULES },
  privacy: { schema: PrivacyPolicySchema, default: DEFAULT_PRIVACY_POLICY },
  'members.phoneTyping': { schema: PhoneTypingSchema, default: false },
  'checkin.reminder': { schema: CheckinReminderSchema, default: DEFAULT_CHECKIN_REMINDER },
  'tiers.rules': { schema: TierRulesSchema, default: DEFAULT_TIER_RULES },
  'checkout.memberDays': {
    schema: MemberDaysSchema,
    default: { weekdays: [] as number[], monthDays: [] as number[], multiplierPercent: 200 },
  },
  'points.valueCents': { schema: PointValueSchema, default: 1 },
  'checkin.rules': { schema: CheckinRulesSchema, default: DEFAULT_CHECKIN_RULES },
  'referrals.rules': { schema: ReferralRulesSchema, default: DEFAULT_REFERRAL_RULES },
  notifications: { schema: NotificationSettingsSchema, default: DEFAULT_NOTIFICATION_SETTINGS },
  'tasks.catalog': { schema: TaskCatalogSchema, default: DEFAULT_TASKS },
  'insights.churn': { schema: ChurnRulesSchema, default: DEFAULT_CHURN_RULES },
  'insights.alerts': { schema: AlertRulesSchema, default: DEFAULT_ALERT_RULES },
  'checkout.caps': {
    schema: CreditCapsSchema,
    default: { perStaffDailyPoints: 200_000, perMemberDailyPoints: 50_000 },
  },
  'checkout.pointsCash': { schema: PointsCashSchema, default: DEFAULT_POINTS_CASH },
  'points.pendingDays': { schema: PendingDaysSchema, default: 0 },
  retention: { schema: RetentionSchema, default: DEFAULT_RETENTION },
  'checkout.phoneLookup': { schema: PhoneLookupSchema, default: DEFAULT_PHONE_LOOKUP },
  brand: { schema: BrandSettingsSchema, default: DEFAULT_BRAND },
  'membership.refund': { schema: MembershipRefundSettingsSchema, default: DEFAULT_MEMBERSHIP_REFUND },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;

/** A setting as stored now in the caller's unit of work, uncached (reconcile checks read this). */
export async function storedValue<K extends SettingKey>(q: Q, key: K): Promise<SettingValue<K>> {
  const json = await store.storedJson(q, key);
  return (json !== undefined ? SETTINGS[key].schema.parse(JSON.parse(json)) : SETTINGS[key].default) as SettingValue<K>;
}

export class Settings {
  private readonly values: Remembered<SettingKey, unknown>;
  private readonly changes: Remembered<SettingKey, number | null>;
  constructor(
    private readonly db: Database,
    ttlMs = 5000,
  ) {
    this.values = new Remembered(ttlMs);
    this.changes = new Remembered(ttlMs);
  }

  async get<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
    return (await this.values.get(key, () => this.db.read((q) => storedValue(q, key)))) as SettingValue<K>;
  }

  /** Validates and stores a setting in the caller's transaction; returns the previous value for the audit log. */
  async set<K extends SettingKey>(q: Q, key: K, value: SettingValue<K>, now: Date): Promise<SettingValue<K>> {
    const parsed = SETTINGS[key].schema.parse(value);
    const prev = await store.storedJson(q, key);
    const json = JSON.stringify(parsed);
    if (prev !== undefined) await store.updateJson(q, key, json, now.getTime());
    else await store.insertJson(q, key, json, now.getTime());
    this.values.forget(key);
    this.changes.forget(key);
    return (prev !== undefined ? JSON.parse(prev) : SETTINGS[key].default) as SettingValue<K>;
  }

  /** When an operator last set the key (epoch ms), or null while it has its default; cached like `get`. */
  changedAt(key: SettingKey): Promise<number | null> {
    return this.changes.get(key, async () => (await this.db.read((q) => store.updatedAt(q, key))) ?? null);
  }

  /** Keys an operator has set; the others use their defaults. */
  async storedKeys(): Promise<Set<string>> {
    return new Set(await this.db.read((q) => store.storedKeys(q)));
  }
}
