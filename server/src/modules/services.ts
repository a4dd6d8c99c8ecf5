import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Database } from '../db/database';
import type { Clock } from '../core/clock';
import type { MemberService } from './members/service';
import type { Ledger } from './points/ledger';
import type { PointsQueries } from './points/queries';
import type { PendingPoints } from './points/pending';
import type { StaffService } from './staff/service';
import type { Settings } from './settings/settings';
import type { WechatClient } from './wechat/client';
import type { TierService } from './tiers/service';
import type { MemberCodes } from './card/service';
import type { CheckoutService } from './checkout/service';
import type { RefundService } from './checkout/refunds';
import type { Segments } from './insights/segments';
import type { CheckinService } from './checkin/service';
import type { BenefitService } from './benefits/service';
import type { WriteOffService } from './benefits/writeoff';
import type { CatalogueService } from './benefits/catalogue';
import type { ReferralService } from './referrals/service';
import type { OutboxWorker } from './notifications/worker';
import type { Inbox } from './notifications/inbox';
import type { Subscriptions } from './notifications/subscriptions';
import type { WechatMessages } from './wechat/messages';
import type { JobRunner } from '../jobs/runner';
import type { TaskService } from './tasks/service';
import type { Confirmations } from './confirmations/service';
import type { PrivacyService } from './privacy/service';
import type { ProfileService } from './members/profile';
import type { PosterCodes } from './referrals/poster';
import type { WechatWxa } from './wechat/wxa';
import type { Limits } from './limits/service';
import type { GiftService } from './gifts/service';
import type { GiftRulesAdmin } from './gifts/admin';

/**
 * The services every module may call, built once by compose(). Modules receive the
 * pieces they need; route files and job bodies read them from here.
 */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  clock: Clock;
  settings: Settings;
  wechat: WechatClient;
  members: MemberService;
  ledger: Ledger;
  pending: PendingPoints;
  points: PointsQueries;
  staff: StaffService;
  tiers: TierService;
  codes: MemberCodes;
  limits: Limits;
  checkout: CheckoutService;
  refunds: RefundService;
  segments: Segments;
  checkins: CheckinService;
  benefits: BenefitService;
  writeOffs: WriteOffService;
  catalogue: CatalogueService;
  referrals: ReferralService;
  outbox: OutboxWorker;
  inbox: Inbox;
  subscriptions: Subscriptions;
  wechatMessages: WechatMessages;
  jobs: JobRunner;
  tasks: TaskService;
  confirmations: Confirmations;
  privacy: PrivacyService;
  profiles: ProfileService;
  posterCodes: PosterCodes;
  wxa: WechatWxa;
  gifts: GiftService;
  giftRules: GiftRulesAdmin;
}
