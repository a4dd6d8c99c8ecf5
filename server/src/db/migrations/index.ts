import { Foundation1732400000000 } from './1732400000000-foundation';
import { TiersCheckout1732500000000 } from './1732500000000-tiers-checkout';
import { Segments1732900000000 } from './1732900000000-segments';
import { Engagement1733000000000 } from './1733000000000-engagement';
import { Notifications1733100000000 } from './1733100000000-notifications';
import { CheckinTasks1733200000000 } from './1733200000000-checkin-tasks';
import { RateWindows1733300000000 } from './1733300000000-rate-windows';
import { BackgroundLeases1733350000000 } from './1733350000000-background-leases';
import { GiftRules1733470000000 } from './1733470000000-gift-rules';
import { PointsCashPending1733480000000 } from './1733480000000-points-cash-pending';
import { ChurnAlerts1733490000000 } from './1733490000000-churn-alerts';
import { WechatFidelity1733520000000 } from './1733520000000-wechat-fidelity';
import { RetentionIndexes1733600000000 } from './1733600000000-retention-indexes';
import { Media1733610000000 } from './1733610000000-media';
import { InsightRollups1733640000000 } from './1733640000000-insight-rollups';
import { LookupRequests1733700000000 } from './1733700000000-lookup-requests';
import { Payments1733800000000 } from './1733800000000-payments';
import { Membership1733900000000 } from './1733900000000-membership';
import { RedeemConfirmations1734000000000 } from './1734000000000-redeem-confirmations';
import { MembershipRefundAttempts1734100000000 } from './1734100000000-membership-refund-attempts';
import { CheckinDayTime1734200000000 } from './1734200000000-checkin-day-time';

/** Every migration, in order. Each one is written once and works on MySQL and SQLite. */
export const migrations = [
  Foundation1732400000000,
  TiersCheckout1732500000000,
  Segments1732900000000,
  Engagement1733000000000,
  Notifications1733100000000,
  CheckinTasks1733200000000,
  RateWindows1733300000000,
  BackgroundLeases1733350000000,
  GiftRules1733470000000,
  PointsCashPending1733480000000,
  ChurnAlerts1733490000000,
  WechatFidelity1733520000000,
  RetentionIndexes1733600000000,
  Media1733610000000,
  InsightRollups1733640000000,
  LookupRequests1733700000000,
  Payments1733800000000,
  Membership1733900000000,
  RedeemConfirmations1734000000000,
  MembershipRefundAttempts1734100000000,
  CheckinDayTime1734200000000,
];
