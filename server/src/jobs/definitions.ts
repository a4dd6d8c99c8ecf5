import { parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { Services } from '../modules/services';
import type { JobDef } from './runner';
import { churnJob, segmentsJob } from '../modules/insights/jobs';
import { outboxJob } from '../modules/notifications/jobs';
import { tierEvaluationJob } from '../modules/tiers/jobs';
import { pointsExpiryJob } from '../modules/points/jobs';
import { voucherExpiryJob } from '../modules/benefits/jobs';
import { birthdayJob } from '../modules/members/birthday';
import { referralSettleJob } from '../modules/referrals/jobs';

/** The scheduled jobs. Each walks members by id in chunks (keyset cursor, checkpointed) and is idempotent. */
export function jobDefinitions(c: Services): JobDef[] {
  const dayStart = (date: string) => {
    const p = parseIsoDate(date)!;
    return startOfLocalDay(p.year, p.month, p.day, c.config.businessTz).getTime();
  };

  return [
    birthdayJob(c),
    pointsExpiryJob(c),
    voucherExpiryJob(c),
    tierEvaluationJob(c),
    churnJob(c),
    segmentsJob(c),
    referralSettleJob(c),
    outboxJob(c),
  ];
}
