import { openTestDb, type TestDb } from '../../../test/db';
import {
  allDaysOf,
  checkedDates,
  checkinTotals,
  dayOf,
  daysOf,
  daysOfPairs,
  daysStep,
  decodeDays,
  decodeKeys,
  insertDaysStep,
  insertKeysStep,
  insertMakeupDay,
  keysStep,
} from './store';
import { addCards, cardCount, cardCountMismatches, cardEntry, insertCardEntry, takeCard } from './store-cards';
import { isDuplicateKey } from '../../db/database';

let t: TestDb;
const now = new Date('2026-03-10T02:00:00Z');
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('check-in store', () => {
  it('batch steps write days and keys, and read them back in one script', async () => {
    await t.db.tx(async (q) => {
      await q.script([
        insertDaysStep(
          [
            { memberId: 1, date: '2026-03-09', streak: 1, points: 5 },
            { memberId: 2, date: '2026-03-09', streak: 3, points: 8 },
          ],
          now,
        ),
        insertKeysStep([{ memberId: 1, key: 'key-00001', date: '2026-03-09' }], now),
      ]);
      await insertMakeupDay(q, 1, '2026-03-08', 1, 5, now);
      const [days, keys] = await q.script([
        daysStep([1, 2, 3], '2026-03-08', '2026-03-10'),
        keysStep([1, 2], ['key-00001', 'key-00002']),
      ]);
      expect(decodeDays(days).sort((a, b) => a.memberId - b.memberId || a.date.localeCompare(b.date))).toEqual([
        { memberId: 1, date: '2026-03-08', kind: 'makeup', streak: 1, points: 5 },
        { memberId: 1, date: '2026-03-09', kind: 'normal', streak: 1, points: 5 },
        { memberId: 2, date: '2026-03-09', kind: 'normal', streak: 3, points: 8 },
      ]);
      expect(decodeKeys(keys)).toEqual([{ memberId: 1, key: 'key-00001', date: '2026-03-09' }]);
    });
  });

  it('a second row for a (member, day) or a (member, key) is a duplicate key', async () => {
    const dup = (p: Promise<unknown>) =>
      p.then(
        () => 'written',
        (err) => (isDuplicateKey(err) ? 'duplicate' : err),
      );
    const day = insertDaysStep([{ memberId: 1, date: '2026-03-09', streak: 1, points: 5 }], now);
    expect(await dup(t.db.tx((q) => q.script([day])))).toBe('duplicate');
    const key = insertKeysStep([{ memberId: 1, key: 'key-00001', date: '2026-03-10' }], now);
    expect(await dup(t.db.tx((q) => q.script([key])))).toBe('duplicate');
    expect(await dup(t.db.tx((q) => insertMakeupDay(q, 2, '2026-03-09', 1, 5, now)))).toBe('duplicate');
  });

  it('reads one member, pairs, exports and totals', async () => {
    await t.db.read(async (q) => {
      expect(await dayOf(q, 2, '2026-03-09')).toMatchObject({ kind: 'normal', streak: 3, points: 8 });
      expect(await dayOf(q, 2, '2026-03-08')).toBeUndefined();
      expect((await daysOf(q, 1, '2026-03-01', '2026-03-31')).map((d) => d.date)).toEqual(['2026-03-08', '2026-03-09']);
      expect([...(await checkedDates(q, 1, '2026-03-09', '2026-03-31'))]).toEqual(['2026-03-09']);
      const pairs = await daysOfPairs(q, [
        [1, '2026-03-08'],
        [2, '2026-03-09'],
      ]);
      expect(pairs.map((d) => `${d.memberId}:${d.date}`).sort()).toContain('1:2026-03-08');
      expect(pairs.map((d) => `${d.memberId}:${d.date}`)).toContain('2:2026-03-09');
      expect((await allDaysOf(q, 1)).map((d) => [d.business_date, d.kind])).toEqual([
        ['2026-03-08', 'makeup'],
        ['2026-03-09', 'normal'],
      ]);
      expect(await checkinTotals(q, '2026-03-09', '2026-03-09')).toEqual({ checkins: 2, members: 2 });
      expect(await checkinTotals(q, '2026-03-01', '2026-03-31')).toEqual({ checkins: 3, members: 2 });
    });
  });
});

describe('make-up card store', () => {
  it('counts, entries and the conditional take', async () => {
    await t.db.tx(async (q) => {
      expect(await cardCount(q, 7)).toBe(0);
      expect(await takeCard(q, 7, now)).toBe(false);
      await insertCardEntry(
        q,
        { memberId: 7, key: 'grant:a', delta: 2, reason: 'operator_grant', operatorId: 1, note: null },
        now,
      );
      expect(await addCards(q, 7, 2, now)).toBe(2);
      expect(await takeCard(q, 7, now)).toBe(true);
      await insertCardEntry(
        q,
        { memberId: 7, key: 'makeup:2026-03-01', delta: -1, reason: 'checkin_makeup', operatorId: null, note: null },
        now,
      );
      expect(await cardCount(q, 7)).toBe(1);
      expect(await cardEntry(q, 7, 'grant:a')).toEqual({ delta: 2, reason: 'operator_grant' });
      expect(await cardEntry(q, 7, 'grant:b')).toBeUndefined();
      expect(await cardCountMismatches(q, 10)).toEqual([]);
      // A count that no longer matches its entries is reported.
      await addCards(q, 7, 1, now);
      expect((await cardCountMismatches(q, 10)).map((r) => Number(r.member_id))).toEqual([7]);
    });
  });
});
