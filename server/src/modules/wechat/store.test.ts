import { openTestDb, type TestDb } from '../../../test/db';
import { dbTokenStore, endRefresh, loadToken, refreshUnderWay, saveToken, takeRefreshLease } from './store';

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

test('the forced-refresh lease: one taker per window on database time; its end stops the waiting, not the window', async () => {
  expect(await t.db.read((q) => refreshUnderWay(q))).toBe(false);
  expect(await t.db.tx((q) => takeRefreshLease(q, 'a', 30_000, 3))).toBe(true);
  expect(await t.db.tx((q) => takeRefreshLease(q, 'b', 30_000, 3))).toBe(false);
  expect(await t.db.read((q) => refreshUnderWay(q))).toBe(true);
  await t.db.tx((q) => endRefresh(q, 'b')); // not b's: no effect
  expect(await t.db.read((q) => refreshUnderWay(q))).toBe(true);
  await t.db.tx((q) => endRefresh(q, 'a'));
  expect(await t.db.read((q) => refreshUnderWay(q))).toBe(false);
  expect(await t.db.tx((q) => takeRefreshLease(q, 'b', 30_000, 4))).toBe(false); // the window holds
  expect((await t.db.read((q) => loadToken(q)))!.token).toBe('tok-2'); // the token is untouched
});

test('the first forced refresh of a fresh database makes the row', async () => {
  await t.db.tx((q) => q.exec('DELETE FROM wechat_tokens'));
  expect(await t.db.tx((q) => takeRefreshLease(q, 'c', -1, 5))).toBe(true);
  expect(await t.db.tx((q) => takeRefreshLease(q, 'd', 30_000, 5))).toBe(true); // c's window had passed
  expect(await t.db.read((q) => loadToken(q))).toEqual({ token: '', expiresAt: 0 });
});
