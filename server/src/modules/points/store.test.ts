import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey, type Q } from '../../db/database';
import * as store from './store';
import * as reads from './store-reads';
import * as checks from './store-checks';

let t: TestDb;
const T0 = Date.UTC(2026, 2, 10, 2);
const DAY = 86_400_000;
const tx = <T>(f: (q: Q) => Promise<T>) => t.db.tx(f);
const read = <T>(f: (q: Q) => Promise<T>) => t.db.read(f);

const entry = (over: Partial<store.NewEntry> & { key: string; memberId: number; delta: number }): store.NewEntry => ({
  type: over.delta > 0 ? 'credit' : 'debit',
  reason: 'test',
  ref: null,
  inputHash: 'h'.repeat(64),
  balanceAfter: 0,
  operatorId: null,
  storeId: null,
  note: null,
  createdAt: T0,
  ...over,
});

/** A credit as the ledger writes it: balance, entry and its lot. */
async function credit(q: Q, memberId: number, key: string, points: number, at = T0, expiresAt: number | null = null) {
  const [sql, params] = store.addToBalancesStep([{ memberId, points }], at);
  await q.exec(sql, params);
  const balanceAfter = (await store.balanceOf(q, memberId))!;
  const id = await store.insertEntry(q, entry({ key, memberId, delta: points, balanceAfter, createdAt: at }));
  await q.exec(...store.insertLotsOfEntriesStep([{ key, remaining: points }], expiresAt, at));
  return id;
}

beforeAll(async () => {
  t = await openTestDb();
  await tx(async (q) => {
    for (const m of [1, 2, 3, 4]) await store.openAccount(q, m, T0);
  });
});
afterAll(() => t.close());

describe('accounts', () => {
  it('opens an account once, at 0, and reads balances one by one, in a set, and as a script step', async () => {
    await tx((q) => store.openAccount(q, 1, T0 + 1));
    await read(async (q) => {
      expect(await store.balanceOf(q, 1)).toBe(0);
      expect(await store.balanceOf(q, 99)).toBeNull();
      expect(await store.balancesOf(q, [1, 2, 99])).toEqual(
        new Map([
          [1, 0],
          [2, 0],
        ]),
      );
      expect(await store.balancesOf(q, [])).toEqual(new Map());
      const [res] = await q.script([store.balancesStep([3, 4])]);
      expect(store.decodeBalances(res.rows)).toEqual(
        new Map([
          [3, 0],
          [4, 0],
        ]),
      );
    });
    expect(await tx((q) => store.lockAccount(q, 1))).toBe(true);
    expect(await tx((q) => store.lockAccount(q, 99))).toBe(false);
  });

  it('adds per-member points in one statement and takes points only when covered, unless a debt is allowed', async () => {
    const affected = await tx(async (q) => {
      const [res] = await q.script([
        store.addToBalancesStep(
          [
            { memberId: 3, points: 30 },
            { memberId: 4, points: 40 },
            { memberId: 99, points: 1 },
          ],
          T0,
        ),
      ]);
      return res.affected;
    });
    expect(affected).toBe(2);
    expect(await tx((q) => store.takeFromBalance(q, 3, 31, T0, false))).toBe(0);
    expect(await tx((q) => store.takeFromBalance(q, 3, 30, T0, false))).toBe(1);
    expect(await tx((q) => store.takeFromBalance(q, 4, 50, T0, true))).toBe(1);
    expect(await read((q) => store.balancesOf(q, [3, 4]))).toEqual(
      new Map([
        [3, 0],
        [4, -10],
      ]),
    );
  });
});

describe('entries, lots and allocations', () => {
  it('writes entries (one or many), finds them by key, and refuses a key twice', async () => {
    const id = await tx((q) => store.insertEntry(q, entry({ key: 'k:1', memberId: 2, delta: 5, balanceAfter: 5 })));
    await tx((q) =>
      q.script([
        store.insertEntriesStep([
          entry({ key: 'k:2', memberId: 2, delta: 7, balanceAfter: 12 }),
          entry({ key: 'k:3', memberId: 2, delta: -2, balanceAfter: 10 }),
        ]),
      ]),
    );
    await read(async (q) => {
      expect(await store.entryByKey(q, 'k:1')).toEqual({
        id,
        memberId: 2,
        delta: 5,
        balanceAfter: 5,
        inputHash: 'h'.repeat(64),
      });
      expect(await store.entryByKey(q, 'k:none')).toBeUndefined();
      expect(await store.keyTaken(q, 'k:2')).toBe(true);
      expect(await store.keyTaken(q, 'k:none')).toBe(false);
      expect(await store.takenKeys(q, ['k:1', 'k:3', 'k:none'])).toEqual(new Set(['k:1', 'k:3']));
      expect(await reads.deltaOfKey(q, 'k:3')).toBe(-2);
      expect(await reads.deltaOfKey(q, 'k:none')).toBeUndefined();
      expect(await reads.deltasOfKeys(q, ['k:1', 'k:2', 'k:none'])).toEqual(
        new Map([
          ['k:1', 5],
          ['k:2', 7],
        ]),
      );
    });
    const again = await tx((q) => store.insertEntry(q, entry({ key: 'k:1', memberId: 2, delta: 5 }))).then(
      () => 'written',
      (err) => (isDuplicateKey(err) ? 'duplicate' : err),
    );
    expect(again).toBe('duplicate');
  });

  it('writes the lots of entries by their keys, spends them with a guard, records allocations', async () => {
    await tx(async (q) => {
      await credit(q, 1, 'lot:a', 100, T0, T0 + 10 * DAY);
      await credit(q, 1, 'lot:b', 50, T0, null);
    });
    const lots = await read((q) => store.spendableLots(q, 1));
    expect(lots.map((l) => [l.remaining, l.expiresAt, l.createdAt]).sort()).toEqual([
      [100, T0 + 10 * DAY, T0],
      [50, null, T0],
    ]);
    const a = lots.find((l) => l.remaining === 100)!;
    expect(await tx((q) => store.takeFromLot(q, a.id, 101))).toBe(0);
    await tx(async (q) => {
      expect(await store.takeFromLot(q, a.id, 60)).toBe(1);
      await store.insertAllocation(q, { entryId: 1, lotId: a.id, memberId: 1, points: 60 });
    });
    await read(async (q) => {
      expect(await store.dueLots(q, 1, T0 + 9 * DAY)).toEqual([]);
      expect(await store.dueLots(q, 1, T0 + 10 * DAY)).toEqual([{ id: a.id, remaining: 40 }]);
      expect(await reads.lotsExpiringBy(q, 1, T0 + 30 * DAY)).toEqual([{ remaining: 40, expiresAt: T0 + 10 * DAY }]);
      expect(await reads.membersWithDueLots(q, 0, T0 + 10 * DAY, 10)).toEqual([1]);
      expect(await reads.membersWithDueLots(q, 1, T0 + 10 * DAY, 10)).toEqual([]);
      expect(await reads.expiringBetween(q, T0, T0 + 10 * DAY)).toEqual([
        { memberId: 1, expiresAt: T0 + 10 * DAY, points: 40 },
      ]);
      expect(await reads.expiringBetween(q, T0 + 10 * DAY, T0 + 20 * DAY)).toEqual([]);
      const exported = await reads.exportOf(q, 1);
      expect(exported.balance).toBe(150);
      expect(exported.entries.map((e) => Number(e.delta))).toEqual([100, 50]);
      expect(exported.lots.map((l) => Number(l.remaining))).toEqual([40, 50]);
      expect((await reads.exportOf(q, 99)).balance).toBe(0);
    });
  });
});

describe('member views and reports', () => {
  it("pages a member's entries newest first with a stable keyset", async () => {
    await tx(async (q) => {
      for (let i = 0; i < 5; i++)
        await store.insertEntry(q, entry({ key: `page:${i}`, memberId: 3, delta: i + 1, createdAt: T0 + (i % 3) }));
    });
    const first = await read((q) => reads.entriesPage(q, 3, null, 3));
    const last = first[first.length - 1];
    const second = await read((q) => reads.entriesPage(q, 3, { at: last.createdAt, id: last.id }, 3));
    const all = [...first, ...second].filter((e) => e.reason === 'test');
    expect(all.map((e) => e.delta)).toEqual([3, 5, 2, 4, 1]);
    expect(new Set(all.map((e) => e.id)).size).toBe(5);
  });

  it("counts activity, movements by kind and store, the liability, and each member's last activity", async () => {
    const D = T0 + 100 * DAY;
    await tx(async (q) => {
      await store.insertEntry(q, entry({ key: 'r:1', memberId: 2, delta: 10, createdAt: D, storeId: 7 }));
      await store.insertEntry(q, entry({ key: 'r:2', memberId: 2, delta: -4, createdAt: D + 1 }));
      await store.insertEntry(q, entry({ key: 'r:3', memberId: 3, delta: 6, type: 'adjust', createdAt: D + 2 }));
      await store.insertEntry(q, entry({ key: 'r:4', memberId: 4, delta: -3, type: 'expire', createdAt: D + 3 }));
      await store.insertEntry(q, entry({ key: 'r:5', memberId: 4, delta: -2, type: 'reversal', createdAt: D + 4 }));
      await store.insertEntry(q, entry({ key: 'r:6', memberId: 3, delta: -1, type: 'adjust', createdAt: D + 5 }));
    });
    await read(async (q) => {
      expect(await reads.activeMemberCount(q, D, D + DAY)).toBe(2);
      expect(await reads.movementTotals(q, D, D + DAY, null)).toEqual({
        issued: 16,
        redeemed: 5,
        expired: 3,
        reversed: 2,
      });
      expect(await reads.movementTotals(q, D, D + DAY, 7)).toEqual({
        issued: 10,
        redeemed: 0,
        expired: 0,
        reversed: 0,
      });
      const balances = await store.balancesOf(q, [1, 2, 3, 4]);
      const positive = [...balances.values()].filter((b) => b > 0).reduce((s, b) => s + b, 0);
      expect(await reads.outstandingPoints(q)).toBe(positive);
      expect(await reads.activeSince(q, [2, 3, 4], D)).toEqual(new Set([2, 3]));
      expect(await reads.activeSince(q, [], D)).toEqual(new Set());
      expect(await reads.lastActivity(q, [2, 3, 4])).toEqual(
        new Map([
          [2, D + 1],
          [3, D + 5],
        ]),
      );
      const found = await reads.entriesWithReasons(q, ['test'], 0, 1000);
      expect(found.length).toBeGreaterThan(6);
      expect(found[0]).toEqual(expect.objectContaining({ reason: 'test', memberId: expect.any(Number) }));
      const after = await reads.entriesWithReasons(q, ['test'], found[found.length - 2].id, 1000);
      expect(after.map((e) => e.key)).toEqual([found[found.length - 1].key]);
    });
  });
});

describe('reconcile checks', () => {
  it('find accounts off their entries and lots, lots out of range or over-allocated, debts without a claw-back', async () => {
    const db = await openTestDb();
    try {
      const run = async () =>
        db.db.read(async (q) => ({
          entries: (await checks.balancesOffEntries(q, 10)).map((r) => Number(r.member_id)),
          lots: (await checks.balancesOffLots(q, 10)).map((r) => Number(r.member_id)),
          range: (await checks.lotsOutOfRange(q, 10)).length,
          allocated: (await checks.lotsOverAllocated(q, 10)).length,
          debts: (await checks.debtsWithoutClawback(q, 10)).map((r) => Number(r.member_id)),
        }));
      await db.db.tx(async (q) => {
        for (const m of [1, 2]) await store.openAccount(q, m, T0);
        await credit(q, 1, 'c:1', 20);
      });
      expect(await run()).toEqual({ entries: [], lots: [], range: 0, allocated: 0, debts: [] });
      await db.db.tx(async (q) => {
        // Member 2: balance moved without an entry, below zero and with no claw-back.
        await store.takeFromBalance(q, 2, 5, T0, true);
        // Member 1: an allocation of more than the lot gave up.
        const [lot] = await store.spendableLots(q, 1);
        await store.insertAllocation(q, { entryId: 1, lotId: lot.id, memberId: 1, points: 3 });
      });
      expect(await run()).toEqual({ entries: [2], lots: [], range: 0, allocated: 1, debts: [2] });
      await db.db.tx(async (q) => {
        // A lot spent below zero: out of range, and member 1's lots no longer match the balance.
        const [lot] = await store.spendableLots(q, 1);
        await q.exec('UPDATE points_lots SET remaining = -1 WHERE id = ?', [lot.id]);
      });
      const after = await run();
      expect(after.range).toBe(1);
      expect(after.lots).toEqual([1]);
    } finally {
      await db.close();
    }
  });
});
