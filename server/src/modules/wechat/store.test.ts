import { openTestDb, type TestDb } from '../../../test/db';
import { dbTokenStore, loadToken, saveToken } from './store';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

test('the access token: none, first save creates the row, later saves overwrite it', async () => {
  expect(await t.db.read((q) => loadToken(q))).toBeNull();
  await t.db.tx((q) => saveToken(q, 'tok-1', 1_000, 1));
  expect(await t.db.read((q) => loadToken(q))).toEqual({ token: 'tok-1', expiresAt: 1_000 });
  const tokens = dbTokenStore(t.db, () => 2);
  await tokens.save('tok-2', 2_000);
  expect(await tokens.load()).toEqual({ token: 'tok-2', expiresAt: 2_000 });
  expect(Number((await t.db.read((q) => q.one<{ n: number }>('SELECT COUNT(*) AS n FROM wechat_tokens')))!.n)).toBe(1);
});
