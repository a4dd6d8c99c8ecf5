import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey } from '../../db/database';
import { completedIn, completionOf, completionsOf, insertCompletion } from './store';

let t: TestDb;
const now = new Date('2026-03-10T02:00:00Z');
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('task store', () => {
  it('stores one completion per (member, task, period) and reads it back', async () => {
    await t.db.tx(async (q) => {
      await insertCompletion(q, { memberId: 1, code: 'profile', period: 'once', points: 20, growth: 5 }, now);
      await insertCompletion(q, { memberId: 1, code: 'share', period: 'd:2026-03-10', points: 2, growth: 0 }, now);
      await insertCompletion(q, { memberId: 2, code: 'share', period: 'd:2026-03-10', points: 2, growth: 0 }, now);
    });
    await t.db.read(async (q) => {
      expect(await completionOf(q, 1, 'profile', 'once')).toEqual({ points: 20, growth: 5 });
      expect(await completionOf(q, 1, 'share', 'd:2026-03-09')).toBeUndefined();
      expect([...(await completedIn(q, 1, ['once', 'd:2026-03-10', 'w:2026-03-09']))].sort()).toEqual([
        'profile/once',
        'share/d:2026-03-10',
      ]);
      expect([...(await completedIn(q, 1, ['d:2026-03-11']))]).toEqual([]);
      const exported = await completionsOf(q, 1);
      expect(exported.map((c) => c.task_code).sort()).toEqual(['profile', 'share']);
      expect(Number(exported[0].created_at)).toBe(now.getTime());
    });
  });

  it('a second completion in the same period is a duplicate key', async () => {
    const again = await t.db
      .tx((q) => insertCompletion(q, { memberId: 1, code: 'profile', period: 'once', points: 20, growth: 5 }, now))
      .then(
        () => 'written',
        (err) => (isDuplicateKey(err) ? 'duplicate' : err),
      );
    expect(again).toBe('duplicate');
  });
});
