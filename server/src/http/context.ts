import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/database';
import type { Clock } from '../clock';
import type { Tokens } from './tokens';
import type { Auth } from './auth';
import type { MemberService } from '../modules/members/service';
import type { Ledger } from '../modules/points/ledger';
import type { PointsQueries } from '../modules/points/queries';
import type { StaffService } from '../modules/staff/service';
import type { Settings } from '../modules/settings/settings';
import type { WechatClient } from '../modules/wechat/client';
import type { TierService } from '../modules/tiers/service';
import type { MemberCodes } from '../modules/card/service';
import type { CheckoutService } from '../modules/checkout/service';
import type { RefundService } from '../modules/checkout/refunds';
import type { Segments } from '../modules/insights/segments';
import type { CheckinService } from '../modules/checkin/service';
import type { BenefitService } from '../modules/benefits/service';
import type { WriteOffService } from '../modules/benefits/writeoff';
import type { ReferralService } from '../modules/referrals/service';

/** Everything the HTTP layer and jobs need, built once by compose(). */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Database;
  clock: Clock;
  tokens: Tokens;
  auth: Auth;
  settings: Settings;
  wechat: WechatClient;
  members: MemberService;
  ledger: Ledger;
  points: PointsQueries;
  staff: StaffService;
  tiers: TierService;
  codes: MemberCodes;
  checkout: CheckoutService;
  refunds: RefundService;
  segments: Segments;
  checkins: CheckinService;
  benefits: BenefitService;
  writeOffs: WriteOffService;
  referrals: ReferralService;
  isReady: () => boolean;
}
