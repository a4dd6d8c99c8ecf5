import { addDaysToIsoDate, type Retention } from '@huiyuan/shared';
import type { Q } from '../db/database';
import type { JobDef } from './runner';
import type { Services } from '../modules/services';
import { purgeRequestsBefore } from '../modules/checkin/store';
import { purgeCodeUsesBefore } from '../modules/card/store';
import { purgeCountersBefore } from '../modules/caps/store';
import { purgeCompletionsBefore } from '../modules/tasks/store';
import { purgeEndedBefore, purgeInboxBefore } from '../modules/notifications/store';
import { purgeRunsBefore } from './store';

/** Rows per delete statement: each is its own short transaction, so no long lock and no huge undo log. */
export const RETENTION_BATCH = 1000;
const DAY_MS = 86_400_000;

/** One helper table's retention: its window setting and its owning store's bounded delete. */
interface Purge {
  name: string;
  at: { hour: number; minute: number };
  days: (r: Retention) => number;
  /** Deletes one batch of rows older than the cutoff; returns rows deleted. */
  batch(q: Q, cutoff: { ms: number; date: string }, limit: number): Promise<number>;
}

const PURGES: Purge[] = [
  {
    name: 'retention_checkin_requests',
    at: { hour: 4, minute: 10 },
    days: (r) => r.checkinRequestsDays,
    batch: (q, c, n) => purgeRequestsBefore(q, c.ms, n),
  },
  {
    name: 'retention_code_uses',
    at: { hour: 4, minute: 12 },
    days: (r) => r.codeUsesDays,
    batch: (q, c, n) => purgeCodeUsesBefore(q, c.ms, n),
  },
  {
    name: 'retention_counters',
    at: { hour: 4, minute: 14 },
    days: (r) => r.countersDays,
    batch: (q, c, n) => purgeCountersBefore(q, c.date, n),
  },
  {
    name: 'retention_task_completions',
    at: { hour: 4, minute: 16 },
    days: (r) => r.taskCompletionsDays,
    batch: (q, c, n) => purgeCompletionsBefore(q, c.ms, n),
  },
  {
    name: 'retention_outbox_sent',
    at: { hour: 4, minute: 18 },
    days: (r) => r.outboxSentDays,
    batch: (q, c, n) => purgeEndedBefore(q, 'sent', c.ms, n),
  },
  {
    name: 'retention_outbox_parked',
    at: { hour: 4, minute: 20 },
    days: (r) => r.outboxParkedDays,
    batch: (q, c, n) => purgeEndedBefore(q, 'parked', c.ms, n),
  },
  {
    name: 'retention_inbox',
    at: { hour: 4, minute: 22 },
    days: (r) => r.inboxDays,
    batch: (q, c, n) => purgeInboxBefore(q, c.ms, n),
  },
  {
    name: 'retention_job_runs',
    at: { hour: 4, minute: 24 },
    days: (r) => r.jobRunsDays,
    batch: (q, c, n) => purgeRunsBefore(q, c.ms, n),
  },
];

/**
 * The retention jobs, one per helper table so each has its own lease and run
 * record. A run fixes its cutoff (now minus the table's window, from the
 * `retention` setting), then deletes in batches of `RETENTION_BATCH`, oldest
 * first, each batch its own statement, checkpointing after each, until a batch
 * comes back short. A rerun or a resumed run only finds less to delete.
 */
export function retentionJobs(c: Pick<Services, 'db' | 'settings' | 'config'>, batchSize = RETENTION_BATCH): JobDef[] {
  return PURGES.map((p) => ({
    name: p.name,
    at: p.at,
    async run(ctx) {
      const days = p.days(await c.settings.get('retention'));
      const ms = ctx.now.getTime() - days * DAY_MS;
      // Counters are keyed by the business date their period starts on.
      const cutoff = { ms, date: addDaysToIsoDate(ctx.date, -days) };
      // The cutoff is saved before anything goes, so checks that age out with a
      // table (a message deleted with its outbox row) know how far deletes reached.
      await ctx.checkpoint(String(ms), 0);
      let processed = 0;
      let batches = 0;
      for (;;) {
        const n = await c.db.tx((q) => p.batch(q, cutoff, batchSize));
        processed += n;
        if (n > 0) batches++;
        if (n < batchSize) break;
        await ctx.checkpoint(String(ms), processed);
      }
      return { processed, detail: { days, cutoff: new Date(ms).toISOString(), batches } };
    },
  }));
}
