import { openTestDb, type TestDb } from '../../../test/db';
import { insertMemberIgnore, closeAccount } from './store';
import {
  activityAfter,
  closedIdsAfter,
  fillLastActive,
  lastActiveOf,
  touchActive,
  touchActiveStep,
  touchOrder,
} from './store-activity';

let t: TestDb;
let a: number;
let b: number;
beforeAll(async () => {
  t = await openTestDb();
  await t.db.tx(async (q) => {
    await insertMemberIgnore(q, 'act-a', null, 1000);
    await insertMemberIgnore(q, 'act-b', null, 2000);
  });
  const rows = await t.db.read((q) => activityAfter(q, 0, 10));
  [a, b] = rows.map((r) => r.id);
});
afterAll(() => t.close());

describe('last activity', () => {
  it('starts unknown; is written once a day, never moved back', async () => {
    expect(await t.db.read((q) => lastActiveOf(q, [a, b]))).toEqual(
      new Map([
        [a, null],
        [b, null],
      ]),
    );
    expect(await t.db.tx((q) => touchActive(q, a, '2026-12-01'))).toBe(1);
    expect(await t.db.tx((q) => touchActive(q, a, '2026-12-01'))).toBe(0);
    expect(await t.db.tx((q) => touchActive(q, a, '2026-11-30'))).toBe(0);
    expect((await t.db.read((q) => lastActiveOf(q, [a]))).get(a)).toBe('2026-12-01');
  });

  it('an order also records its store, written again only when the store or the day changes', async () => {
    expect(await t.db.tx((q) => touchOrder(q, a, '2026-12-01', 7))).toBe(1);
    expect(await t.db.tx((q) => touchOrder(q, a, '2026-12-01', 7))).toBe(0);
    expect(await t.db.tx((q) => touchOrder(q, a, '2026-12-01', 8))).toBe(1);
    const [row] = (await t.db.read((q) => activityAfter(q, 0, 10))).filter((r) => r.id === a);
    expect(row).toMatchObject({ lastActiveOn: '2026-12-01', lastOrderStoreId: 8, createdAt: 1000 });
  });

  it('a batch step marks several members; a fill sets only unknown dates', async () => {
    await t.db.tx((q) =>
      fillLastActive(q, [
        { id: b, date: '2026-11-01' },
        { id: a, date: '2020-01-01' },
      ]),
    );
    expect(await t.db.read((q) => lastActiveOf(q, [a, b]))).toEqual(
      new Map([
        [a, '2026-12-01'],
        [b, '2026-11-01'],
      ]),
    );
    await t.db.tx((q) => q.script([touchActiveStep([a, b], '2026-12-02')]));
    expect([...(await t.db.read((q) => lastActiveOf(q, [a, b]))).values()]).toEqual(['2026-12-02', '2026-12-02']);
  });

  it('closed accounts leave the walk of active members and are walked apart', async () => {
    await t.db.tx((q) => closeAccount(q, b, 'deleted:act-b', 3000));
    expect((await t.db.read((q) => activityAfter(q, 0, 10))).map((r) => r.id)).toEqual([a]);
    expect(await t.db.read((q) => closedIdsAfter(q, 0, 10))).toEqual([b]);
  });
});
