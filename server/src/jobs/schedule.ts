import type { Services } from '../modules/services';
import type { JobDef } from './runner';
import { birthdayJob, giftGrantsJob, monthlyPackJob } from '../modules/gifts/jobs';
import { pointsExpiryJob } from '../modules/points/jobs';
import { pendingReleaseJob } from '../modules/points/pending-job';
import { voucherExpiryJob } from '../modules/benefits/jobs';
import { tierEvaluationJob } from '../modules/tiers/jobs';
import { alertsJob, churnJob, rollupsJob, segmentsJob } from '../modules/insights/jobs';
import { referralSettleJob } from '../modules/referrals/jobs';
import { outboxJob } from '../modules/notifications/jobs';
import { checkinReminderJob } from '../modules/notifications/reminders';
import { rateWindowPurgeJob } from '../modules/limits/jobs';
import { retentionJobs } from './retention';
import { lookupRetentionJob } from '../modules/confirmations/jobs';
import { membershipExpiryJob, membershipPackJob } from '../modules/membership/jobs';
import { paySweepJob } from '../modules/payments/jobs';

/**
 * Every job the runner knows, in the order a scheduler tick starts them. Each
 * module's job function gives the job's name, its daily business time (null: by
 * hand only) and its body, next to the data it walks; the bodies go in
 * checkpointed chunks and are idempotent, so a rerun writes nothing twice.
 */
export function schedule(c: Services): JobDef[] {
  return [
    birthdayJob(c),
    pointsExpiryJob(c),
    pendingReleaseJob(c),
    voucherExpiryJob(c),
    tierEvaluationJob(c),
    churnJob(c),
    alertsJob(c),
    segmentsJob(c),
    rollupsJob(c),
    referralSettleJob(c),
    checkinReminderJob(c),
    outboxJob(c),
    rateWindowPurgeJob(c),
    ...retentionJobs(c),
    lookupRetentionJob(c),
    monthlyPackJob(c),
    giftGrantsJob(c),
    membershipExpiryJob(c),
    membershipPackJob(c),
    paySweepJob(c),
  ];
}
