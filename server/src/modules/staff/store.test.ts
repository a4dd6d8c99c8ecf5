import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey } from '../../db/database';
import * as s from './store';

const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

test('stores: create, read by id and code, list, update; codes are unique', async () => {
  await t.db.tx(async (q) => {
    const a = await s.insertStore(q, { code: 'ST-A', name: 'A' }, NOW);
    const b = await s.insertStore(q, { code: 'ST-B', name: 'B' }, NOW);
    expect(await s.storeIdByCode(q, 'ST-B')).toBe(b);
    expect(await s.storeIdByCode(q, 'nope')).toBeUndefined();
    expect(await s.storeNameOf(q, a)).toBe('A');
    expect(await s.isActiveStore(q, a)).toBe(true);
    await s.updateStore(q, a, { name: 'A2', status: 'disabled' });
    expect(await s.isActiveStore(q, a)).toBe(false);
    const row = (await s.storeRow(q, a))!;
    expect([row.code, row.name, row.status, Number(row.created_at)]).toEqual(['ST-A', 'A2', 'disabled', NOW]);
    expect((await s.listStores(q)).map((x) => x.code)).toEqual(['ST-A', 'ST-B']);
  });
  const err = await t.db.tx((q) => s.insertStore(q, { code: 'ST-A', name: 'again' }, NOW)).catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
});

test('staff accounts: create, auth row, update and password bump the token version; usernames are unique', async () => {
  const storeId = await t.db.tx((q) => s.insertStore(q, { code: 'ST-C', name: 'C' }, NOW));
  const id = await t.db.tx((q) =>
    s.insertStaff(
      q,
      { username: 'clerk', passwordHash: 'h1', displayName: '店员', role: 'staff', storeId, memberId: 7 },
      NOW,
    ),
  );
  await t.db.tx(async (q) => {
    expect(await s.staffIdByUsername(q, 'clerk')).toBe(id);
    expect((await s.staffByUsername(q, 'clerk'))!.password_hash).toBe('h1');
    expect(await s.isStaffOfMember(q, id, 7)).toBe(true);
    expect(await s.isStaffOfMember(q, id, 8)).toBe(false);
    await s.updateStaff(
      q,
      id,
      { displayName: '店长', role: 'manager', storeId, status: 'active', memberId: 7 },
      NOW + 1,
    );
    await s.setPassword(q, id, 'h2', NOW + 2);
    const auth = (await s.staffAuthRow(q, id))!;
    expect([auth.role, Number(auth.store_id), Number(auth.token_version), auth.status]).toEqual([
      'manager',
      storeId,
      2,
      'active',
    ]);
    const many = await s.staffAuthRows(q, [id, 987_654, id]);
    expect([...many.keys()]).toEqual([id]);
    expect(many.get(id)!.role).toBe('manager');
    await s.unlinkMember(q, 7);
    expect((await s.staffRow(q, id))!.member_id).toBeNull();
    await s.setStaffMember(q, id, 9);
    expect(Number((await s.staffRow(q, id))!.member_id)).toBe(9);
    expect((await s.listStaff(q)).map((x) => x.username)).toEqual(['clerk']);
  });
  const err = await t.db
    .tx((q) =>
      s.insertStaff(
        q,
        { username: 'clerk', passwordHash: 'x', displayName: 'x', role: 'operator', storeId: null },
        NOW,
      ),
    )
    .catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
});
