import { openTestDb, type TestDb } from '../../../test/db';
import * as s from './store';

let t: TestDb;
const NOW = 1_800_000_000_000;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const id = (n: number) => n.toString(16).padStart(32, '0');
const add = (n: number, memberId: number | null, mode = 'member_confirm') =>
  t.db.tx((q) =>
    s.insertRequest(
      q,
      { id: id(n), storeId: 7, staffId: 3, memberId, maskedPhone: '139****0001', mode },
      NOW,
      NOW + 120_000,
    ),
  );

describe('lookup request store', () => {
  it('lists a member their open requests only, never the ones that reached nobody', async () => {
    await add(1, 42);
    await add(2, null);
    await add(3, 42);
    await t.db.read(async (q) => {
      expect((await s.pendingOf(q, 42, NOW)).map((r) => r.id)).toEqual([id(1), id(3)]);
      expect(await s.pendingOf(q, 42, NOW + 120_000)).toEqual([]);
      expect(await s.requestOf(q, id(2))).toMatchObject({
        member_id: null,
        store_id: 7,
        status: 'pending',
        attempts: 0,
      });
    });
  });

  it('each change of state happens once, only in its window, only for its member or store', async () => {
    await t.db.tx(async (q) => {
      expect(await s.markConfirmed(q, id(1), { memberId: 41, mode: 'member_confirm' }, NOW, NOW + 300_000)).toBe(0);
      expect(await s.markConfirmed(q, id(1), { memberId: 42, mode: 'member_code' }, NOW, NOW + 300_000)).toBe(0);
      expect(await s.markConfirmed(q, id(1), { memberId: 42, mode: 'member_confirm' }, NOW + 120_000, NOW)).toBe(0);
      expect(await s.markConfirmed(q, id(1), { memberId: 42, mode: 'member_confirm' }, NOW, NOW + 300_000)).toBe(1);
      expect(await s.markConfirmed(q, id(1), { memberId: 42, mode: 'member_confirm' }, NOW, NOW + 300_000)).toBe(0);
      // Nobody confirms a request that reached nobody.
      expect(await s.markConfirmed(q, id(2), { mode: 'member_confirm' }, NOW, NOW + 300_000)).toBe(0);
      expect(await s.markUsed(q, id(1), 8, 'A1', NOW)).toBe(0);
      expect(await s.markUsed(q, id(1), 7, 'A1', NOW + 300_000)).toBe(0);
      expect(await s.markUsed(q, id(1), 7, 'A1', NOW + 1)).toBe(1);
      expect(await s.markUsed(q, id(1), 7, 'A2', NOW + 2)).toBe(0);
      expect(await s.markRejected(q, id(3), 41, NOW)).toBe(0);
      expect(await s.markRejected(q, id(3), 42, NOW)).toBe(1);
      expect(await s.markConfirmed(q, id(3), { memberId: 42, mode: 'member_confirm' }, NOW, NOW + 300_000)).toBe(0);
    });
    expect(await t.db.read((q) => s.requestOf(q, id(1)))).toMatchObject({ status: 'used' });
  });

  it('counts typed codes up to the ceiling, at the asking store, while open', async () => {
    await add(4, 42, 'member_code');
    const tries = await t.db.tx(async (q) => {
      const out = [];
      for (let i = 0; i < 4; i++) out.push(await s.countAttempt(q, id(4), 7, NOW, 3));
      out.push(await s.countAttempt(q, id(4), 8, NOW, 3));
      return out;
    });
    expect(tries).toEqual([1, 1, 1, 0, 0]);
  });

  it('purges old requests in batches', async () => {
    expect(await t.db.tx((q) => s.purgeBefore(q, NOW + 1, 2))).toBe(2);
    expect(await t.db.tx((q) => s.purgeBefore(q, NOW + 1, 10))).toBe(2);
    expect(await t.db.tx((q) => s.purgeBefore(q, NOW + 1, 10))).toBe(0);
  });
});
