import type { Q } from '../../db/database';
import { registerInvariant } from '../reconcile/invariants';
import { deltasOfKeys, entriesWithReasons } from '../points/store-reads';
import { daysAfter, daysOfPairs } from './store';
import { cardCountMismatches } from './store-cards';

/**
 * Check-in invariants, registered with reconcile when this module loads (the
 * server and `npm run reconcile` both load it through compose). The days and the
 * ledger have different owners: each check pages through one side and asks the
 * other owner about that page by key, joining in memory.
 */

const PAGE = 1000;
const creditKey = (memberId: number, date: string) => `checkin:${memberId}:${date}`;
const CREDIT_KEY = /^checkin:(\d+):(\d{4}-\d{2}-\d{2})$/;

registerInvariant({
  name: 'checkin: every checked day has its ledger credit (checkin:<member>:<date>) of the same points',
  async run(q: Q, limit: number) {
    const out: Record<string, unknown>[] = [];
    let after: { memberId: number; date: string } | null = null;
    for (;;) {
      const days = await daysAfter(q, after, PAGE);
      if (!days.length) return out;
      const deltas = await deltasOfKeys(
        q,
        days.map((d) => creditKey(d.memberId, d.date)),
      );
      for (const d of days) {
        if (deltas.get(creditKey(d.memberId, d.date)) === d.points) continue;
        out.push({ member_id: d.memberId, business_date: d.date, points: d.points });
        if (out.length >= limit) return out;
      }
      after = days[days.length - 1];
    }
  },
});

registerInvariant({
  name: 'checkin: every check-in credit has its checked day',
  async run(q: Q, limit: number) {
    const out: Record<string, unknown>[] = [];
    let after = 0;
    for (;;) {
      const entries = await entriesWithReasons(q, ['checkin', 'checkin_makeup'], after, PAGE);
      if (!entries.length) return out;
      const credits = entries.filter((e) => e.delta > 0);
      const pairs = credits.flatMap((e) => {
        const m = CREDIT_KEY.exec(e.key);
        return m ? [[Number(m[1]), m[2]] as const] : [];
      });
      const stored = new Set(
        (pairs.length ? await daysOfPairs(q, pairs) : []).map((d) => creditKey(d.memberId, d.date)),
      );
      for (const e of credits) {
        if (stored.has(e.key)) continue;
        out.push({ id: e.id, idem_key: e.key });
        if (out.length >= limit) return out;
      }
      after = entries[entries.length - 1].id;
    }
  },
});

registerInvariant({
  name: 'checkin: make-up cards never below 0, and count = sum of card entries',
  run: (q, limit) => cardCountMismatches(q, limit),
});
