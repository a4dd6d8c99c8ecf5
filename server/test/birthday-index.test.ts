import { openTestDb, type TestDb } from './db';
import { birthdaysAfter, insertMemberIgnore, memberByOpenid, setBirthdayOnce } from '../src/modules/members/store';

/** The birthday job's query on the indexed month-day column gives the same members as the SUBSTR scan it replaced. */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('birthdays by the indexed month-day column match the SUBSTR scan, Feb 29 included', async () => {
  const rand = rng(29);
  const now = Date.UTC(2026, 0, 10);
  await t.db.tx(async (q) => {
    for (let i = 0; i < 400; i++) {
      await insertMemberIgnore(q, `bday-scan-${i}`, null, now);
      const id = Number((await memberByOpenid(q, `bday-scan-${i}`))!.id);
      if (rand() < 0.1) continue; // some members never give a birthday
      // Dense around the end of February, spread elsewhere.
      const month = rand() < 0.5 ? 2 : 1 + Math.floor(rand() * 12);
      const day = month === 2 ? 27 + Math.floor(rand() * 3) : 1 + Math.floor(rand() * 28);
      const year = day === 29 ? 2000 : 1980 + Math.floor(rand() * 20);
      await setBirthdayOnce(q, id, `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, now);
    }
  });
  const bySubstr = (days: string[]) =>
    t.db.read(async (q) =>
      (
        await q.all<{ id: number }>(
          `SELECT id FROM members WHERE status = 'active' AND birthday IS NOT NULL AND SUBSTR(birthday, 6, 5) IN (${days.map(() => '?').join(', ')}) ORDER BY id`,
          days,
        )
      ).map((r) => Number(r.id)),
    );
  /** Every page of birthdaysAfter, as the job walks it. */
  const byIndex = (days: string[]) =>
    t.db.read(async (q) => {
      const all: number[] = [];
      for (let after = 0; ;) {
        const page = await birthdaysAfter(q, after, days, 7);
        all.push(...page);
        if (page.length < 7) return all;
        after = page[page.length - 1];
      }
    });
  // Feb 28 in a non-leap year takes the Feb 29 birthdays too; a leap year's Feb 28 and 29 each their own.
  for (const days of [['02-28', '02-29'], ['02-28'], ['02-29'], ['02-27'], ['06-15'], ['12-01', '12-02']]) {
    const expected = await bySubstr(days);
    expect(await byIndex(days)).toEqual(expected);
    if (days[0] === '02-28' && days.length === 2) expect(expected.length).toBeGreaterThan(20);
  }
});
