import { openTestDb, type TestDb } from '../../../test/db';
import {
  clearGrace,
  decodeTierCodes,
  dueForEvaluation,
  exportGrowth,
  exportTier,
  growthOfMembers,
  growthSince,
  insertGrowth,
  insertTierRow,
  markEvaluated,
  membersPerTier,
  moveTier,
  recentGrowth,
  startGrace,
  tierCodeOf,
  tierCodesOf,
  tierCodesStep,
  tierRow,
  tierRowsAfter,
} from './store';

let t: TestDb;
const t0 = new Date('2026-03-10T02:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const growth = (memberId: number, key: string, delta: number) => ({
  memberId,
  key,
  delta,
  source: 'purchase',
  ref: `order:${key}`,
  label: `growth ${key}`,
  storeId: 7,
});

beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('tiers store: member_tiers', () => {
  it('adds a tier row once and reads it back, alone and in sets', async () => {
    await t.db.tx(async (q) => {
      await insertTierRow(q, 1, 'normal', t0);
      await insertTierRow(q, 1, 'gold', later(1)); // ignored: the row exists
      await insertTierRow(q, 2, 'silver', t0);
    });
    await t.db.read(async (q) => {
      expect(await tierRow(q, 1)).toEqual({ tier_code: 'normal', since_at: expect.anything(), grace_until: null });
      expect(Number((await tierRow(q, 1))!.since_at)).toBe(t0.getTime());
      expect(await tierCodeOf(q, 2)).toBe('silver');
      expect(await tierCodeOf(q, 99)).toBeUndefined();
      expect(await tierCodesOf(q, [1, 2, 99])).toEqual(
        new Map([
          [1, 'normal'],
          [2, 'silver'],
        ]),
      );
      expect(await tierCodesOf(q, [])).toEqual(new Map());
      const [stepResult] = await q.script([tierCodesStep([2])]);
      expect(decodeTierCodes(stepResult)).toEqual(new Map([[2, 'silver']]));
      expect(await membersPerTier(q)).toEqual(
        new Map([
          ['normal', 1],
          ['silver', 1],
        ]),
      );
    });
  });

  it('locks the row inside a unit of work (FOR UPDATE on MySQL) and reads the same row', async () => {
    const row = await t.db.tx((q) => tierRow(q, 2, true));
    expect(row?.tier_code).toBe('silver');
  });

  it('moves a tier only from the expected code, and clears the grace period', async () => {
    await t.db.tx(async (q) => {
      await startGrace(q, 1, later(10).getTime(), later(1));
      await startGrace(q, 1, later(99).getTime(), later(2)); // a running grace period is kept
      expect(Number((await tierRow(q, 1))!.grace_until)).toBe(later(10).getTime());
      expect(await moveTier(q, 1, 'gold', 'platinum', later(3))).toBe(0);
      expect(await moveTier(q, 1, 'normal', 'silver', later(3))).toBe(1);
      const row = (await tierRow(q, 1))!;
      expect(row.tier_code).toBe('silver');
      expect(Number(row.since_at)).toBe(later(3).getTime());
      expect(row.grace_until).toBeNull();
      await startGrace(q, 1, later(20).getTime(), later(4));
      await clearGrace(q, 1, later(5));
      expect((await tierRow(q, 1))!.grace_until).toBeNull();
    });
  });

  it('lists members due for evaluation by keyset and pages tier rows', async () => {
    await t.db.tx(async (q) => {
      await insertTierRow(q, 3, 'normal', t0);
      await markEvaluated(q, 2, later(1000));
    });
    await t.db.read(async (q) => {
      expect(await dueForEvaluation(q, 0, later(500).getTime(), 10)).toEqual([1, 3]);
      expect(await dueForEvaluation(q, 0, later(2000).getTime(), 10)).toEqual([1, 2, 3]);
      expect(await dueForEvaluation(q, 1, later(2000).getTime(), 1)).toEqual([2]);
      const page = await tierRowsAfter(q, 1, 10);
      expect(page.map((r) => r.memberId)).toEqual([2, 3]);
      expect(page[0]).toEqual({
        memberId: 2,
        tierCode: 'silver',
        sinceAt: t0.getTime(),
        evaluatedAt: later(1000).getTime(),
      });
      expect(page[1].evaluatedAt).toBeNull();
      expect(await exportTier(q, 2)).toEqual([expect.objectContaining({ tier_code: 'silver' })]);
      expect(await exportTier(q, 99)).toEqual([]);
    });
  });
});

describe('tiers store: growth_entries', () => {
  it('appends growth once per key and sums it from a point in time', async () => {
    await t.db.tx(async (q) => {
      expect(await insertGrowth(q, growth(1, 'a', 100), t0)).toBe(1);
      expect(await insertGrowth(q, growth(1, 'a', 100), later(1))).toBe(0); // replay of the key
      expect(await insertGrowth(q, growth(1, 'b', 50), later(10))).toBe(1);
      expect(await insertGrowth(q, growth(1, 'c', -30), later(20))).toBe(1);
      expect(
        await insertGrowth(q, { ...growth(2, 'd', 7), label: 'x'.repeat(300), ref: null, storeId: null }, t0),
      ).toBe(1);
    });
    await t.db.read(async (q) => {
      expect(await growthSince(q, 1, t0.getTime())).toBe(120);
      expect(await growthSince(q, 1, later(10).getTime())).toBe(20);
      expect(await growthSince(q, 1, later(21).getTime())).toBe(0);
      expect(await growthSince(q, 99, 0)).toBe(0);
      const recent = await recentGrowth(q, 1, later(5).getTime(), 100);
      expect(recent.map((e) => Number(e.delta))).toEqual([-30, 50]);
      expect(recent[0]).toEqual(expect.objectContaining({ source: 'purchase', label: 'growth c', ref: 'order:c' }));
      expect(await recentGrowth(q, 1, 0, 1)).toHaveLength(1);
      const all = await growthOfMembers(q, [1, 2, 99]);
      expect(
        all
          .get(1)!
          .map((e) => e.delta)
          .sort((a, b) => a - b),
      ).toEqual([-30, 50, 100]);
      expect(all.get(2)).toEqual([{ delta: 7, at: t0.getTime() }]);
      expect(all.has(99)).toBe(false);
      const exported = await exportGrowth(q, 2);
      expect(exported).toHaveLength(1);
      expect(String(exported[0].label)).toHaveLength(128); // labels are cut to the column
    });
  });
});
