import { openTestDb, type TestDb } from '../../../test/db';
import { audit } from './audit';
import { auditRows } from './store';

const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

test('rows are appended with JSON before/after and read newest first, filtered and paged by id', async () => {
  await t.db.tx(async (q) => {
    await audit(
      q,
      { actorType: 'operator', actorId: 1, action: 'a.one', before: { x: 1 }, after: { x: 2 } },
      new Date(NOW),
    );
    await audit(
      q,
      { actorType: 'member', actorId: 2, action: 'a.two', targetType: 'member', targetId: 2 },
      new Date(NOW),
    );
    await audit(
      q,
      { actorType: 'operator', actorId: 1, action: 'a.one', reason: 'r', requestId: 'req' },
      new Date(NOW),
    );
  });
  await t.db.read(async (q) => {
    const all = await auditRows(q, {}, 10);
    expect(all.map((r) => r.action)).toEqual(['a.one', 'a.two', 'a.one']);
    expect(all[2].before_json).toBe('{"x":1}');
    expect([all[1].target_type, all[1].target_id, all[0].reason, all[0].request_id]).toEqual([
      'member',
      '2',
      'r',
      'req',
    ]);
    expect((await auditRows(q, { action: 'a.one' }, 10)).length).toBe(2);
    expect((await auditRows(q, { actorType: 'member' }, 10)).map((r) => r.action)).toEqual(['a.two']);
    const page = await auditRows(q, { beforeId: Number(all[0].id) }, 1);
    expect(page.map((r) => Number(r.id))).toEqual([Number(all[1].id)]);
  });
});
