import { openTestDb, type TestDb } from '../../../test/db';
import { addToCounter, counterValue, takeBack } from './store';
import { addWithinCap, tryCountWithinCap } from './service';
import { incrementIn } from './counter';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('daily counters', () => {
  it('adds, reads and takes back per (scope, subject, period)', async () => {
    await t.db.tx(async (q) => {
      expect(await counterValue(q, 'client_tasks', 1, '2026-01-01')).toBe(0);
      expect(await addToCounter(q, 'client_tasks', 1, '2026-01-01', 2)).toBe(2);
      expect(await addToCounter(q, 'client_tasks', 1, '2026-01-01', 3)).toBe(5);
      expect(await addToCounter(q, 'client_tasks', 1, '2026-01-02', 1)).toBe(1);
      expect(await addToCounter(q, 'member_credit', 1, '2026-01-01', 7)).toBe(7);
      await takeBack(q, 'client_tasks', 1, '2026-01-01', 1);
      expect(await counterValue(q, 'client_tasks', 1, '2026-01-01')).toBe(4);
      expect(await counterValue(q, 'client_tasks', 2, '2026-01-01')).toBe(0);
    });
  });

  it('a cap refuses past its ceiling and the refusal rolls the count back', async () => {
    await t.db.tx((q) => addWithinCap(q, 'staff_credit', 9, '2026-01-01', 80, 100, {}));
    await expect(
      t.db.tx((q) => addWithinCap(q, 'staff_credit', 9, '2026-01-01', 30, 100, { store: 1 })),
    ).rejects.toMatchObject({ code: 'DAILY_CAP_REACHED', details: { scope: 'staff_credit', cap: 100, store: 1 } });
    expect(await t.db.read((q) => counterValue(q, 'staff_credit', 9, '2026-01-01'))).toBe(80);
    // A ceiling of 0 means no cap: nothing is counted.
    await t.db.tx((q) => addWithinCap(q, 'staff_credit', 9, '2026-01-01', 500, 0, {}));
    expect(await t.db.read((q) => counterValue(q, 'staff_credit', 9, '2026-01-01'))).toBe(80);
  });

  it('tryCountWithinCap counts up to the ceiling and gives the extra count back', async () => {
    const tries = await t.db.tx(async (q) => {
      const out = [];
      for (let i = 0; i < 4; i++) out.push(await tryCountWithinCap(q, 'referral_reward', 3, '2026-01-01', 2));
      return out;
    });
    expect(tries).toEqual([true, true, false, false]);
    expect(await t.db.read((q) => counterValue(q, 'referral_reward', 3, '2026-01-01'))).toBe(2);
  });

  it('concurrent increments of one counter all count', async () => {
    await Promise.all(
      Array.from({ length: 10 }, () => t.db.tx((q) => addToCounter(q, 'churn_message', 4, '2026-01-05', 1))),
    );
    expect(await t.db.read((q) => counterValue(q, 'churn_message', 4, '2026-01-05'))).toBe(10);
  });
});

describe('incrementIn', () => {
  it('creates the row, then adds to it', async () => {
    await t.db.tx(async (q) => {
      const key = { scope: 'client_tasks', subject_id: 6, business_date: '2026-02-01' };
      expect(await incrementIn(q, 'daily_counters', key, 'amount', 1)).toBe(1);
      expect(await incrementIn(q, 'daily_counters', key, 'amount', 2)).toBe(3);
    });
  });
});
