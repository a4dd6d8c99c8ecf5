import { openTestDb, type TestDb } from '../../../test/db';
import { dailyRows, replaceDay, storedDays, type DailyRow } from './store-rollups';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const row = (date: string, storeId: number, orders: number): DailyRow => ({
  date,
  storeId,
  newMembers: storeId === 0 ? 2 : 0,
  membersTotal: storeId === 0 ? 10 : 0,
  pointsIssued: 5,
  pointsRedeemed: 1,
  pointsExpired: 0,
  pointsReversed: 0,
  orders,
  amountCents: orders * 100,
  refundedCents: 0,
  orderPoints: orders,
  vouchersIssued: 0,
  writtenOff: 0,
  checkins: 0,
  invited: 0,
  invitePurchased: 0,
  activeSet: storeId === 0 ? 'e1,2' : null,
  buyerSet: orders ? 'e1' : null,
  repeatSet: null,
  checkinSet: null,
  sharerSet: null,
});

describe('daily rollup rows', () => {
  it('a recompute replaces the whole day, and a store without figures loses its row', async () => {
    await t.db.tx((q) => replaceDay(q, '2026-11-01', [row('2026-11-01', 0, 1), row('2026-11-01', 7, 3)], 100));
    await t.db.tx((q) => replaceDay(q, '2026-11-02', [row('2026-11-02', 0, 0)], 100));
    await t.db.tx((q) => replaceDay(q, '2026-11-01', [row('2026-11-01', 0, 4)], 200));
    const rows = await t.db.read((q) => dailyRows(q, '2026-11-01', '2026-11-02', null, 1000));
    expect(rows.map((r) => [r.date, r.storeId, r.orders, r.computedAt]).sort()).toEqual([
      ['2026-11-01', 0, 4, 200],
      ['2026-11-02', 0, 0, 100],
    ]);
    expect(rows.find((r) => r.date === '2026-11-01')).toMatchObject({
      activeSet: 'e1,2',
      buyerSet: 'e1',
      repeatSet: null,
    });
  });

  it('reads one store with store 0, and tells computed days apart', async () => {
    await t.db.tx((q) =>
      replaceDay(q, '2026-11-03', [row('2026-11-03', 0, 0), row('2026-11-03', 7, 2), row('2026-11-03', 8, 5)], 300),
    );
    const one = await t.db.read((q) => dailyRows(q, '2026-11-03', '2026-11-03', 8, 1000));
    expect(one.map((r) => r.storeId).sort()).toEqual([0, 8]);
    expect([...(await t.db.read((q) => storedDays(q, '2026-10-31', '2026-11-04'))).keys()].sort()).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ]);
  });
});
