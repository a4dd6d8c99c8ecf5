import { addDaysToIsoDate, businessDate, parseIsoDate, startOfLocalDay } from '@huiyuan/shared';
import type { Q } from '../../db/database';
import type { JobDef } from '../../jobs/runner';
import type { Services } from '../services';
import { countRegistered } from '../members/store';
import { firstRegisteredAt } from '../members/store-activity';
import { activeMemberIds, movementsByStore } from '../points/store-reads';
import { ordersByStoreAndMember, type MemberStoreOrders } from '../checkout/store-daily';
import { countIssuedIn } from '../benefits/store-vouchers';
import { writtenOffByStore } from '../benefits/store-daily';
import { checkinMembersOn } from '../checkin/store-daily';
import { inviteFunnel, inviterIdsIn } from '../referrals/store';
import { MemberSet } from './member-set';
import { replaceDay, storedDays, type DailyRow } from './store-rollups';
import { storeNowFigures } from './now-figures';
import { RANGE_DAYS, ledgerDays } from './rollups-range';

/** Days before today recomputed by every run, so refunds, make-up check-ins and first purchases written late are caught. */
export const RECENT_DAYS = 3;

/** Epoch ms of the start of a business date. */
export function dayStart(date: string, tz: string): number {
  const d = parseIsoDate(date)!;
  return startOfLocalDay(d.year, d.month, d.day, tz).getTime();
}

const emptyRow = (date: string, storeId: number): DailyRow => ({
  date,
  storeId,
  newMembers: 0,
  membersTotal: 0,
  pointsIssued: 0,
  pointsRedeemed: 0,
  pointsExpired: 0,
  pointsReversed: 0,
  orders: 0,
  amountCents: 0,
  refundedCents: 0,
  orderPoints: 0,
  vouchersIssued: 0,
  writtenOff: 0,
  checkins: 0,
  invited: 0,
  invitePurchased: 0,
  activeSet: null,
  buyerSet: null,
  repeatSet: null,
  checkinSet: null,
  sharerSet: null,
});

const encode = (s: MemberSet): string | null => (s.size() ? s.encode() : null);

/** Part of a business day: rows made in [from, to) (check-ins of the date written then). */
export interface Span {
  from: number;
  to: number;
}

/** A whole day's share of a backfill's range reads (rollups-range.ts). */
export interface LedgerDay {
  movements: Map<number, { issued: number; redeemed: number; expired: number; reversed: number }>;
  active: number[];
  orders: MemberStoreOrders[];
}

/**
 * One business day's rows, computed from the source tables through their
 * owners (each read is one day of an index on its time column), or only the
 * rows of `span` within it (today so far; the rest of a day whose stored rows
 * stop early). Store 0 always has a row, so a computed day is told apart from
 * a day never computed. `totalBefore`: members registered before the day (or
 * the span) when the caller knows it (saves counting every member).
 */
export async function computeDay(
  q: Q,
  date: string,
  tz: string,
  totalBefore?: number,
  span?: Span,
  ledger?: LedgerDay,
): Promise<DailyRow[]> {
  const dayFrom = dayStart(date, tz);
  const dayEnd = dayStart(addDaysToIsoDate(date, 1), tz);
  const start = span?.from ?? dayFrom;
  const end = span?.to ?? dayEnd;
  const rows = new Map<number, DailyRow>();
  const row = (s: number) => {
    let r = rows.get(s);
    if (!r) rows.set(s, (r = emptyRow(date, s)));
    return r;
  };
  const all = row(0);
  all.newMembers = await countRegistered(q, start, end);
  all.membersTotal = totalBefore === undefined ? await countRegistered(q, null, end) : totalBefore + all.newMembers;
  // A backfill passes the day's part of its range reads of the ledger and orders.
  for (const [s, m] of ledger?.movements ?? (await movementsByStore(q, start, end))) {
    const r = row(s);
    r.pointsIssued = m.issued;
    r.pointsRedeemed = m.redeemed;
    r.pointsExpired = m.expired;
    r.pointsReversed = m.reversed;
  }
  all.activeSet = encode(MemberSet.of(ledger?.active ?? (await activeMemberIds(q, start, end))));

  // Buyers and members with two orders or more that day, per store.
  const buyers = new Map<number, { all: MemberSet; repeat: MemberSet }>();
  for (const o of ledger?.orders ?? (await ordersByStoreAndMember(q, start, end))) {
    const r = row(o.storeId);
    r.orders += o.orders;
    r.amountCents += o.amountCents;
    r.refundedCents += o.refundedCents;
    r.orderPoints += o.points;
    let b = buyers.get(o.storeId);
    if (!b) buyers.set(o.storeId, (b = { all: new MemberSet(), repeat: new MemberSet() }));
    b.all.add(o.memberId);
    if (o.orders >= 2) b.repeat.add(o.memberId);
  }
  for (const [s, b] of buyers) {
    row(s).buyerSet = encode(b.all);
    row(s).repeatSet = encode(b.repeat);
  }

  all.vouchersIssued = await countIssuedIn(q, start, end);
  for (const [s, n] of await writtenOffByStore(q, start, end)) row(s).writtenOff = n;
  // A make-up check-in is written after its date: the last span of a day has no end.
  const checkins = await checkinMembersOn(q, date, start > dayFrom ? start : null, end < dayEnd ? end : null);
  all.checkins = checkins.length;
  all.checkinSet = encode(MemberSet.of(checkins));
  const funnel = await inviteFunnel(q, start, end);
  all.invited = funnel.registered;
  all.invitePurchased = funnel.purchased;
  all.sharerSet = encode(MemberSet.of(await inviterIdsIn(q, start, end)));
  return [...rows.values()];
}

/** How far behind now a stored span of today stops: a write committed late still falls in the span read live. */
export const SETTLE_MS = 60_000;

/**
 * The `rollups` job, every 5 minutes. It stores today so far (up to now minus
 * `SETTLE_MS`; the dashboard reads the rest live) and the figures of now; a day
 * never computed, or stored before it was over, in full (the first run fills the
 * history, in date order, each day's member total carried from the day before);
 * and the `RECENT_DAYS` before today again (refunds, make-up check-ins and
 * first purchases written late): once a day on schedule, at every run by hand. One day per transaction,
 * checkpointed by date; recomputing a day replaces its rows, so a rerun or a
 * resumed run is harmless.
 */
export function rollupsJob(c: Pick<Services, 'db' | 'config' | 'clock' | 'tiers' | 'settings'>): JobDef {
  return {
    name: 'rollups',
    at: null,
    everyMinutes: 5,
    run: async (ctx) => {
      const tz = c.config.businessTz;
      const first = await c.db.read((q) => firstRegisteredAt(q));
      if (first === null) return { processed: 0 };
      const now = ctx.now.getTime();
      const today = ctx.date;
      const todayStart = dayStart(today, tz);
      const recentFrom = addDaysToIsoDate(today, -RECENT_DAYS);
      let day = businessDate(new Date(first), tz);
      if (ctx.resumeFrom && ctx.resumeFrom >= day) day = addDaysToIsoDate(ctx.resumeFrom, 1);
      const stored = await c.db.read((q) => storedDays(q, addDaysToIsoDate(day, -1), today));
      let total: number | undefined;
      // The days to compute, in date order, each with the part of it to store (today: up to a moment ago).
      const todo: { d: string; span?: Span; until: number }[] = [];
      for (; day <= today; day = addDaysToIsoDate(day, 1)) {
        const end = dayStart(addDaysToIsoDate(day, 1), tz);
        const had = stored.get(day);
        const whole = had !== undefined && had.at >= end;
        const fresh = had !== undefined && had.at >= todayStart;
        // A run by hand (an operator catching up) redoes the recent days whenever it runs.
        if (day < today && whole && (day < recentFrom || (fresh && ctx.scheduled))) continue;
        const until = Math.max(dayStart(day, tz), Math.min(end, now - SETTLE_MS));
        todo.push({ d: day, until, span: until < end ? { from: dayStart(day, tz), to: until } : undefined });
      }
      let ledger = new Map<string, LedgerDay>();
      let processed = 0;
      for (const [i, { d, span, until }] of todo.entries()) {
        if (!span && !ledger.has(d)) {
          // A run of whole consecutive days (a backfill): the ledger and orders read once for the run.
          const run = [d];
          for (let j = i + 1; j < todo.length && run.length < RANGE_DAYS; j++) {
            if (todo[j].span || todo[j].d !== addDaysToIsoDate(run[run.length - 1], 1)) break;
            run.push(todo[j].d);
          }
          ledger = run.length > 1 ? ((await c.db.read((q) => ledgerDays(q, run, tz))) ?? new Map()) : new Map();
        }
        // The member total carries from the day before: just computed, or as stored (undefined: counted).
        if (i === 0 || todo[i - 1].d !== addDaysToIsoDate(d, -1)) total = stored.get(addDaysToIsoDate(d, -1))?.total;
        // Read outside the write transaction: the day's rows are replaced in one short one.
        const rows = await c.db.read((q) => computeDay(q, d, tz, total, span, span ? undefined : ledger.get(d)));
        await c.db.tx((q) => replaceDay(q, d, rows, span ? until : now));
        total = rows.find((r) => r.storeId === 0)!.membersTotal;
        processed++;
        await ctx.checkpoint(d, processed);
      }
      await storeNowFigures(c, today);
      return { processed, detail: { through: today } };
    },
  };
}
