import { addDaysToIsoDate } from '@huiyuan/shared';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { daysStep, decodeDays } from '../checkin/store';
import { enqueueManyIn } from './outbox';
import { subscribedAfter } from './store';

const CHUNK = 500;
const KIND = 'checkin_reminder';

/**
 * Check-in reminder: at the operator's hour (`checkin.reminder`), members who
 * subscribed to the reminder, checked in yesterday (a streak to keep) and have
 * not checked in today get one message. Walks the subscribers by id in chunks
 * (keyset cursor, checkpointed); the outbox key holds the business date, so a
 * rerun or a second instance reminds nobody twice that day. Quiet hours and the
 * allowance are the outbox worker's, as for every kind.
 */
export function checkinReminderJob(c: Pick<Services, 'db' | 'settings'>): JobDef {
  return {
    name: KIND,
    at: { hour: 20, minute: 0 },
    async when() {
      const r = await c.settings.get('checkin.reminder');
      return r.enabled ? { hour: r.hour, minute: 0 } : null;
    },
    async run(ctx) {
      if (!(await c.settings.get('checkin.reminder')).enabled) return { processed: 0, detail: { disabled: true } };
      const today = ctx.date;
      const yesterday = addDaysToIsoDate(today, -1);
      let after = Number(ctx.resumeFrom ?? 0);
      let processed = 0;
      let reminded = 0;
      for (;;) {
        const { ids, days } = await c.db.read(async (q) => {
          const page = await subscribedAfter(q, KIND, after, CHUNK);
          return {
            ids: page,
            days: page.length ? decodeDays((await q.script([daysStep(page, yesterday, today)]))[0]) : [],
          };
        });
        if (!ids.length) break;
        const checkedToday = new Set(days.filter((d) => d.date === today).map((d) => d.memberId));
        const streakYesterday = new Map(days.filter((d) => d.date === yesterday).map((d) => [d.memberId, d.streak]));
        const due = ids.filter((id) => !checkedToday.has(id) && (streakYesterday.get(id) ?? 0) > 0);
        if (due.length)
          reminded += await c.db.tx((q) =>
            enqueueManyIn(
              q,
              due.map((id) => ({
                dedupeKey: `${KIND}:${today}:${id}`,
                kind: KIND,
                memberId: id,
                payload: { streak: streakYesterday.get(id), date: today },
              })),
              ctx.now,
            ),
          );
        processed += ids.length;
        after = ids[ids.length - 1];
        await ctx.checkpoint(String(after), processed);
      }
      return { processed, detail: { reminded } };
    },
  };
}
