import type { Config } from './core/config';
import type { Logger } from './core/logger';
import { Database } from './db/database';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './core/clock';
import { createMetrics, type Metrics } from './core/metrics';
import { Tokens } from './http/tokens';
import { Auth } from './http/auth';
import type { AppContext } from './http/context';
import { Settings } from './modules/settings/settings';
import { WechatClient } from './modules/wechat/client';
import { PhoneCrypto } from './modules/members/phone-crypto';
import { MemberService } from './modules/members/service';
import { Ledger } from './modules/points/ledger';
import { PointsQueries } from './modules/points/queries';
import { PendingPoints } from './modules/points/pending';
import { StaffService } from './modules/staff/service';
import { TierService } from './modules/tiers/service';
import { MemberCodes } from './modules/card/service';
import { CheckoutService } from './modules/checkout/service';
import { RefundService } from './modules/checkout/refunds';
import { Segments } from './modules/insights/segments';
import { CheckinService } from './modules/checkin/service';
import { BenefitService } from './modules/benefits/service';
import { WriteOffService } from './modules/benefits/writeoff';
import { CatalogueService } from './modules/benefits/catalogue';
import { ReferralService } from './modules/referrals/service';
import { OutboxWorker } from './modules/notifications/worker';
import { Inbox } from './modules/notifications/inbox';
import { Subscriptions } from './modules/notifications/subscriptions';
import { WechatMessages } from './modules/wechat/messages';
import { dbTokenStore } from './modules/wechat/store';
import { JobRunner } from './jobs/runner';
import { schedule } from './jobs/schedule';
import { TaskService } from './modules/tasks/service';
import { Confirmations } from './modules/confirmations/service';
import { PrivacyService } from './modules/privacy/service';
import { ProfileService } from './modules/members/profile';
import { PosterCodes } from './modules/referrals/poster';
import { ENV_VERSION, WechatWxa } from './modules/wechat/wxa';
import { Limits } from './modules/limits/service';
import { GiftService } from './modules/gifts/service';
import { GiftRulesAdmin } from './modules/gifts/admin';
import { MediaService } from './modules/media/service';
import { DiskImageStore } from './modules/media/image-store';
import { PaymentService } from './modules/payments/service';
import { PaymentsAdmin } from './modules/payments/admin';
import { MembershipService } from './modules/membership/service';
import { MembershipAdmin } from './modules/membership/admin';
import { MembershipRefunds } from './modules/membership/refunds';
import { returnCapIn } from './modules/membership/bonus';
import { businessDate, isMemberDay } from '@huiyuan/shared';

/** Wires services from config and an initialised data source. */
export function compose(
  config: Config,
  dataSource: DataSource,
  logger: Logger,
  clock: Clock = systemClock,
  // One registry per composed app: series never leak between apps built in one process.
  metrics: Metrics = createMetrics(),
): AppContext {
  const db = new Database(dataSource, {
    maxAttempts: config.txMaxAttempts,
    acquireTimeoutMs: config.db.kind === 'mysql' ? config.db.acquireTimeoutMs : 0,
    metrics,
  });
  const tokens = new Tokens(config.tokens.secret, config.tokens.memberTtlSeconds, config.tokens.staffTtlSeconds);
  const settings = new Settings(db);
  const wechat = new WechatClient(config.wechat, metrics);
  let ready = false;
  const ledger = new Ledger(db, clock, settings, config.businessTz);
  const pending = new PendingPoints(ledger, clock);
  const tiers = new TierService(db, clock, settings);
  // Rate limits live in the database, so every instance counts against one budget.
  const limits = new Limits(db, clock);
  const codes = new MemberCodes(db, limits, config.scansPerStorePerMinute);
  const members = new MemberService(
    db,
    wechat,
    new PhoneCrypto(config.phone.encKey, config.phone.hmacKey),
    clock,
    config.businessTz,
  );
  members.onRegistered((q, memberId, now) => tiers.ensureIn(q, memberId, now));
  members.onRegistered(async (q, memberId, now) => {
    await codes.secretIn(q, memberId, now);
  });
  const referrals = new ReferralService(db, clock, settings, ledger, config.businessTz);
  members.onRegistered((q, memberId, now, ref) => referrals.onRegisteredIn(q, memberId, now, ref));
  const tasks = new TaskService(db, clock, settings, ledger, tiers, config.businessTz, config.tokens.secret);
  const confirmations = new Confirmations(
    db,
    clock,
    settings,
    limits,
    new PhoneCrypto(config.phone.encKey, config.phone.hmacKey),
    config.tokens.secret,
  );
  // After referrals bound the invitee: a new member through a share pays the sharer's share task.
  members.onRegistered((q, memberId, now) => tasks.creditShareIn(q, memberId, now));
  // Gift triggers write pending grants in their cause's transaction; the grant worker gives them.
  const gifts = new GiftService(db, clock, ledger, tiers, logger);
  members.onRegistered((q, memberId, now) => gifts.onRegisteredIn(q, memberId, now));
  tiers.onUpgraded((q, memberId, change, now) => gifts.onTierChangedIn(q, memberId, change.from, change.to, now));
  // The access token lives in the database too, so every instance uses the same one.
  const wechatMessages = new WechatMessages(config.wechat, dbTokenStore(db), () => clock.now().getTime(), metrics);
  const inbox = new Inbox(db);
  // Phone numbers and mini-program codes use the same shared access token as the messages.
  const wxa = new WechatWxa(config.wechat, wechatMessages, metrics);
  const media = new MediaService(db, clock, new DiskImageStore(config.imageDir));
  // WeChat Pay: purposes (membership) register their onPaid / onRefunded handlers on it.
  const payments = new PaymentService(db, clock, config.pay, logger, metrics);
  // Paid membership: periods are added only in payments' onPaid transaction; a paid plan's floor lifts the tier.
  const membership = new MembershipService(db, clock, tiers, payments, config.businessTz, logger);
  tiers.setFloor(
    (q, memberId, now) => membership.tierFloorIn(q, memberId, now),
    (q, memberIds, now) => membership.tierFloorsIn(q, memberIds, now),
  );
  const ctx: AppContext = {
    config,
    logger,
    metrics,
    db,
    clock,
    tokens,
    settings,
    wechat,
    ledger,
    pending,
    tiers,
    codes,
    members,
    limits,
    auth: new Auth(db, tokens, clock),
    points: new PointsQueries(db),
    staff: new StaffService(db, clock, limits, config.env === 'test' ? 4 : 10),
    checkout: new CheckoutService(
      db,
      clock,
      settings,
      ledger,
      pending,
      tiers,
      codes,
      config.businessTz,
      (q, memberId, now) => referrals.onPurchaseIn(q, memberId, now).then(() => gifts.onPurchaseIn(q, memberId, now)),
      confirmations,
      (q, p) => settings.get('points.valueCents').then((v) => membership.bonusIn(q, p, v)),
    ),
    refunds: new RefundService(db, clock, ledger, pending, tiers, returnCapIn),
    segments: new Segments(db, clock),
    checkins: new CheckinService(db, clock, settings, ledger, tiers, config.businessTz),
    benefits: new BenefitService(
      db,
      clock,
      ledger,
      tiers,
      async (now) => isMemberDay(businessDate(now, config.businessTz), await settings.get('checkout.memberDays')),
      async (q, memberId, now) => !!(await membership.paidPlanIn(q, memberId, now)),
    ),
    writeOffs: new WriteOffService(db, clock, limits),
    catalogue: new CatalogueService(db, clock, tiers, media),
    media,
    referrals,
    tasks,
    confirmations,
    privacy: new PrivacyService(db, clock, members, referrals, pending),
    profiles: new ProfileService(db, clock, settings, new PhoneCrypto(config.phone.encKey, config.phone.hmacKey), wxa),
    posterCodes: new PosterCodes(
      db,
      clock,
      (q, memberId, now) => referrals.codeIn(q, memberId, now),
      wxa,
      ENV_VERSION[config.wechat.miniprogramState],
    ),
    wxa,
    gifts,
    payments,
    paymentsAdmin: new PaymentsAdmin(db),
    membership,
    membershipAdmin: new MembershipAdmin(db, clock, settings, tiers, () => membership.plansChanged()),
    membershipRefunds: new MembershipRefunds(db, clock, settings, ledger, payments),
    giftRules: new GiftRulesAdmin(db, clock, tiers, () => gifts.forgetRules()),
    inbox,
    wechatMessages,
    subscriptions: new Subscriptions(db, settings),
    outbox: new OutboxWorker(
      db,
      clock,
      settings,
      wechatMessages,
      inbox,
      config.businessTz,
      logger,
      config.wechat.miniprogramState,
      { leaseMs: config.backgroundTiming.outboxLeaseMs, metrics },
    ),
    jobs: undefined as unknown as JobRunner,
    isReady: () => ready,
  };
  ctx.jobs = new JobRunner(db, clock, config.businessTz, logger, schedule(ctx), {
    leaseMs: config.backgroundTiming.jobLeaseMs,
    metrics,
  });
  // Read when scraped: the pool now, the outbox backlog (cached in metrics.ts), the leases held here.
  metrics.watchPool(() => db.poolStats());
  metrics.watchOutbox(() => ctx.outbox.due());
  metrics.watchPaidMembers(() => membership.paidMembers());
  metrics.watchLeases(() => ctx.jobs.heldLeases());
  metrics.watchLeases(() => [['outbox', ctx.outbox.claims()]]);
  (ctx as { markReady?: () => void }).markReady = () => {
    ready = true;
  };
  return ctx;
}

export function markReady(ctx: AppContext): void {
  (ctx as { markReady?: () => void }).markReady?.();
}
