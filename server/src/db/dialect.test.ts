import { openTestDb, type TestDb } from '../../test/db';
import {
  boundedSelect,
  deleteBatch,
  forUpdate,
  forUpdateSkipLocked,
  insertIgnore,
  onConflictAdd,
  onConflictSet,
} from './dialect';

/** Each dialect fragment runs, and means the same, on the engine under test. */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await t.db.read((q) =>
    q.exec('CREATE TABLE dialect_probe (k VARCHAR(20) NOT NULL, d VARCHAR(10) NOT NULL, n INT, PRIMARY KEY (k, d))'),
  );
});
afterAll(async () => {
  await t.close();
});

test('insertIgnore: a second row on the same key is skipped, not an error', async () => {
  const put = `${insertIgnore(t.dialect)} INTO dialect_probe (k, d, n) VALUES (?, ?, ?)`;
  const affected = await t.db.tx(async (q) => [await q.exec(put, ['a', 'x', 1]), await q.exec(put, ['a', 'x', 2])]);
  expect(affected).toEqual([1, 0]);
  expect(await t.db.read((q) => q.one<{ n: number }>('SELECT n FROM dialect_probe WHERE k = ?', ['a']))).toEqual({
    n: 1,
  });
});

test('onConflictAdd: the first upsert inserts, the next ones add to the stored value', async () => {
  const up = `INSERT INTO dialect_probe (k, d, n) VALUES (?, ?, ?)${onConflictAdd(t.dialect, ['k', 'd'], 'n')}`;
  for (const n of [5, 3, 2]) await t.db.tx((q) => q.exec(up, ['c', 'x', n]));
  const row = await t.db.read((q) => q.one<{ n: number }>('SELECT n FROM dialect_probe WHERE k = ?', ['c']));
  expect(Number(row!.n)).toBe(10);
});

test('forUpdate and forUpdateSkipLocked read the rows inside a transaction', async () => {
  const rows = await t.db.tx(async (q) => [
    await q.all(`SELECT k FROM dialect_probe WHERE k = ?${forUpdate(t.dialect)}`, ['a']),
    await q.all(`SELECT k FROM dialect_probe ORDER BY k, d LIMIT 5${forUpdateSkipLocked(t.dialect)}`),
  ]);
  expect(rows[0]).toEqual([{ k: 'a' }]);
  expect(rows[1].map((r) => r.k)).toEqual(['a', 'c']);
});

test('boundedSelect: a quick read answers; on MySQL/MariaDB one past its bound is stopped', async () => {
  const row = await t.db.read((q) => q.one<{ n: number }>(boundedSelect(t.dialect, 1000, 'SELECT 41 + 1 AS n')));
  expect(Number(row!.n)).toBe(42);
  if (t.dialect !== 'mysql') return; // SQLite has no statement time limit
  await expect(t.db.read((q) => q.one(boundedSelect(t.dialect, 100, 'SELECT SLEEP(2) AS s')))).rejects.toThrow(
    /max_statement_time|maximum statement execution time|interrupted/i,
  );
});

test('onConflictSet: the first upsert inserts, the next ones overwrite (no delete and reinsert)', async () => {
  const up = `INSERT INTO dialect_probe (k, d, n) VALUES (?, ?, ?)${onConflictSet(t.dialect, ['k', 'd'], ['n'])}`;
  for (const n of [5, 3, 2]) await t.db.tx((q) => q.exec(up, ['s', 'x', n]));
  const rows = await t.db.read((q) => q.all<{ n: number }>('SELECT n FROM dialect_probe WHERE k = ?', ['s']));
  expect(rows.map((r) => Number(r.n))).toEqual([2]);
});

test('deleteBatch: at most n rows matching, oldest first by the order column', async () => {
  await t.db.tx(async (q) => {
    for (let i = 0; i < 7; i++)
      await q.exec('INSERT INTO dialect_probe (k, d, n) VALUES (?, ?, ?)', ['del', `d${i}`, 10 - i]);
  });
  const batch = () =>
    t.db.tx((q) => q.exec(deleteBatch(t.dialect, 'dialect_probe', "k = 'del' AND n < ?", 'n', 3), [9]));
  expect(await batch()).toBe(3); // n = 4, 5, 6 go first
  const left = await t.db.read((q) => q.all<{ n: number }>("SELECT n FROM dialect_probe WHERE k = 'del' ORDER BY n"));
  expect(left.map((r) => Number(r.n))).toEqual([7, 8, 9, 10]);
  expect(await batch()).toBe(2); // 7 and 8; 9 and 10 are not matched
  expect(await batch()).toBe(0);
});
