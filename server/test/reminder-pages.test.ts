import { openTestDb, type TestDb } from './db';
import { expiringBetween } from '../src/modules/points/store-reads';

/** The expiry reminder walks the week's expiries page by page: the pages add up to the whole set, in order. */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);

test('expiring points, paged by (expiry, member), equal the whole set', async () => {
  const lots: [number, number, number][] = []; // member, remaining, expires_at
  for (let m = 1; m <= 9; m++)
    for (let k = 0; k < 3; k++) lots.push([m, (m * 7 + k) % 5, T0 + ((m + k) % 4) * DAY + (k === 2 ? 0 : DAY / 2)]);
  await t.db.tx(async (q) => {
    for (const [member, remaining, at] of lots)
      await q.exec(
        'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, 0, 10, ?, ?, ?)',
        [member, remaining, at, T0 - DAY],
      );
  });
  const whole = await t.db.read((q) => expiringBetween(q, T0 - 1, T0 + 7 * DAY, null, 1000));
  expect(whole.length).toBeGreaterThan(10);
  const sorted = [...whole].sort((a, b) => a.expiresAt - b.expiresAt || a.memberId - b.memberId);
  expect(whole).toEqual(sorted);
  // Every (member, expiry) with points left, summed.
  const sums = new Map<string, number>();
  for (const [m, r, at] of lots) if (r > 0) sums.set(`${m}:${at}`, (sums.get(`${m}:${at}`) ?? 0) + r);
  expect(whole.map((s) => [`${s.memberId}:${s.expiresAt}`, s.points])).toEqual(
    [...sums.entries()].sort((a, b) => {
      const [ma, ta] = a[0].split(':').map(Number);
      const [mb, tb] = b[0].split(':').map(Number);
      return ta - tb || ma - mb;
    }),
  );
  for (const size of [1, 2, 4]) {
    const paged = [];
    for (let after: { expiresAt: number; memberId: number } | null = null; ;) {
      const page = await t.db.read((q) => expiringBetween(q, T0 - 1, T0 + 7 * DAY, after, size));
      if (!page.length) break;
      paged.push(...page);
      after = page[page.length - 1];
    }
    expect(paged).toEqual(whole);
  }
});
