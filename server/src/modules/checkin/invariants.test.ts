import { openTestDb, type TestDb } from '../../../test/db';
import { checkInvariants } from '../reconcile/invariants';
import { insertEntry, type NewEntry } from '../points/store';
import { daysAfter, insertDaysStep } from './store';
import './invariants';

let t: TestDb;
const now = new Date('2026-03-10T02:00:00Z');
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const entry = (memberId: number, key: string, delta: number, reason = 'checkin'): NewEntry => ({
  memberId,
  delta,
  type: 'credit',
  reason,
  ref: null,
  key,
  inputHash: '0'.repeat(64),
  balanceAfter: delta,
  operatorId: null,
  storeId: null,
  note: null,
  createdAt: now.getTime(),
});
const checkinViolations = async () =>
  (await checkInvariants(t.db, 50)).filter((v) => v.invariant.startsWith('checkin:'));

describe('check-in invariants (days and ledger joined by key across owners)', () => {
  it('pages through days in (member, date) order', async () => {
    await t.db.tx((q) =>
      q.script([
        insertDaysStep(
          [
            { memberId: 2, date: '2026-03-01', streak: 1, points: 5 },
            { memberId: 1, date: '2026-03-02', streak: 1, points: 5 },
            { memberId: 1, date: '2026-03-01', streak: 1, points: 5 },
          ],
          now,
        ),
      ]),
    );
    const first = await t.db.read((q) => daysAfter(q, null, 2));
    expect(first.map((d) => `${d.memberId}:${d.date}`)).toEqual(['1:2026-03-01', '1:2026-03-02']);
    const next = await t.db.read((q) => daysAfter(q, first[1], 2));
    expect(next.map((d) => `${d.memberId}:${d.date}`)).toEqual(['2:2026-03-01']);
  });

  it('a day without its credit, a credit of other points, and a credit without its day are reported', async () => {
    await t.db.tx(async (q) => {
      await insertEntry(q, entry(1, 'checkin:1:2026-03-01', 5));
      await insertEntry(q, entry(1, 'checkin:1:2026-03-02', 7)); // wrong points
      await insertEntry(q, entry(3, 'checkin:3:2026-03-05', 5, 'checkin_makeup')); // no such day
      await insertEntry(q, entry(3, 'makeup-pay:3:2026-03-05', -5, 'checkin_makeup')); // a debit: not a credit
    });
    const v = await checkinViolations();
    const days = v.filter((x) => x.invariant.includes('every checked day')).map((x) => x.detail);
    expect(days).toEqual([
      { member_id: 1, business_date: '2026-03-02', points: 5 },
      { member_id: 2, business_date: '2026-03-01', points: 5 },
    ]);
    const credits = v.filter((x) => x.invariant.includes('every check-in credit')).map((x) => x.detail.idem_key);
    expect(credits).toEqual(['checkin:3:2026-03-05']);
  });
});
