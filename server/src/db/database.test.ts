import { openTestDb, type TestDb } from '../../test/db';
import { DeferredWriteError, isDuplicateKey, type Q } from './database';
import { isRetryable } from './errors';

/**
 * Q.script and Q.defer behave the same on both engines (one round trip on MySQL,
 * one statement after the other on SQLite), and a deferred write's failure is
 * always its own error, never that of the statement it was sent with.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await t.db.read((q) => q.exec('CREATE TABLE probe (id INT PRIMARY KEY, v VARCHAR(50))'));
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.db.tx((q) => q.exec('DELETE FROM probe'));
});

const ids = async () =>
  (await t.db.read((q) => q.all<{ id: number }>('SELECT id FROM probe ORDER BY id'))).map((r) => Number(r.id));
const put = (id: number, v = 'x'): [string, unknown[]] => ['INSERT INTO probe (id, v) VALUES (?, ?)', [id, v]];
const once = { maxAttempts: 1 };

test('a script answers rows for reads and affected rows for writes, in order', async () => {
  const res = await t.db.tx((q) =>
    q.script([put(1), ['UPDATE probe SET v = ? WHERE id IN (?, ?)', ['y', 1, 2]], ['SELECT v FROM probe', []]]),
  );
  expect(res.map((r) => r.affected)).toEqual([1, 1, 0]);
  expect(res[2].rows).toEqual([{ v: 'y' }]);
});

test("a failing script step is the step's own error: the rest does not run and the unit rolls back", async () => {
  const err = await t.db
    .tx(async (q) => {
      await q.exec(...put(1));
      await q.script([put(2), put(1), put(3)]);
    }, once)
    .catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
  expect(err).not.toBeInstanceOf(DeferredWriteError);
  expect(await ids()).toEqual([]);
});

test('deferred writes run ahead of the next statement (which sees them) or with the commit', async () => {
  const seen = await t.db.tx(async (q) => {
    await q.defer([put(1), put(2)]);
    const n = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM probe');
    await q.defer([put(3)]);
    return Number(n!.n);
  });
  expect(seen).toBe(2);
  expect(await ids()).toEqual([1, 2, 3]);
});

test('deferred writes in a read-only unit go with its next statement or at its end', async () => {
  await t.db.read(async (q) => {
    await q.defer([put(1)]);
    expect(Number((await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM probe'))!.n)).toBe(1);
    await q.defer([put(2)]);
  });
  expect(await ids()).toEqual([1, 2]);
});

describe('a failing deferred write', () => {
  beforeEach(async () => {
    await t.db.tx((q) => q.exec(...put(1, 'committed')));
  });

  // Each statement kind a deferred write can ride with.
  const riders: [string, (q: Q) => Promise<unknown>][] = [
    ['a read', (q) => q.one('SELECT v FROM probe WHERE id = ?', [1])],
    ['a write', (q) => q.exec('UPDATE probe SET v = ? WHERE id = ?', ['changed', 1])],
    ['an insert', (q) => q.insert(...put(7))],
    ['a script', (q) => q.script([put(8), ['SELECT 1 AS a', []]])],
  ];
  test.each(riders)('surfaces at %s it rode with as a DeferredWriteError, and the unit rolls back', async (_, ride) => {
    const err = await t.db
      .tx(async (q) => {
        await q.exec(...put(5));
        await q.defer([put(6), put(1, 'duplicate')]);
        await ride(q);
      }, once)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeferredWriteError);
    const d = err as DeferredWriteError;
    expect(d.sql).toBe('INSERT INTO probe (id, v) VALUES (?, ?)');
    expect(d.message).toMatch(/deferred write failed \(INSERT INTO probe/);
    expect(isDuplicateKey(d.cause)).toBe(true);
    // Not the rider's duplicate: a caller answering its own duplicate key as a replay must not catch it.
    expect(isDuplicateKey(err)).toBe(false);
    expect(await ids()).toEqual([1]);
    expect((await t.db.read((q) => q.one<{ v: string }>('SELECT v FROM probe WHERE id = 1')))!.v).toBe('committed');
  });

  test('surfaces at the commit when nothing follows it, and the unit rolls back', async () => {
    const err = await t.db
      .tx(async (q) => {
        await q.exec(...put(5));
        await q.defer([put(1, 'duplicate')]);
      }, once)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeferredWriteError);
    expect(await ids()).toEqual([1]);
  });

  test('is not caught by a handler of the statement it rode with', async () => {
    // The shape of a caller that answers its own duplicate key as "already done".
    const err = await t.db
      .tx(async (q) => {
        await q.defer([put(1, 'duplicate')]);
        try {
          await q.exec(...put(2));
        } catch (e) {
          if (isDuplicateKey(e)) return 'replayed';
          throw e;
        }
        return 'done';
      }, once)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeferredWriteError);
    expect(await ids()).toEqual([1]);
  });

  test("leaves the rider's own error as the rider's when the deferred writes succeeded", async () => {
    const err = await t.db
      .tx(async (q) => {
        await q.defer([put(2), put(3)]);
        await q.script([put(4), put(1, 'duplicate')]);
      }, once)
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(DeferredWriteError);
    expect(isDuplicateKey(err)).toBe(true);
    expect(await ids()).toEqual([1]);
  });

  test('leaves the unit of work usable afterwards: the next one commits normally', async () => {
    await t.db.tx((q) => q.defer([put(1, 'duplicate')]), once).catch(() => undefined);
    await t.db.tx(async (q) => {
      await q.defer([put(2)]);
    });
    expect(await ids()).toEqual([1, 2]);
  });
});

test('a deferred write that lost a deadlock is retried like any unit of work; other failures are not', () => {
  expect(isRetryable(new DeferredWriteError('INSERT', { code: 'ER_LOCK_DEADLOCK' }))).toBe(true);
  expect(isRetryable(new DeferredWriteError('INSERT', { code: 'ER_DUP_ENTRY' }))).toBe(false);
});

test('a write issued but not awaited goes before the COMMIT, and its failure rolls the unit back', async () => {
  await t.db.tx((q) => q.exec(...put(1)));
  let lost: unknown;
  const err = await t.db
    .tx(async (q) => {
      await q.exec(...put(2));
      // Not awaited: the unit of work ends while this duplicate key is still unsent.
      q.exec(...put(1)).catch((e: unknown) => {
        lost = e;
      });
    }, once)
    .catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
  expect(isDuplicateKey(lost)).toBe(true);
  expect(await ids()).toEqual([1]);
});

test('a write issued but not awaited is committed with its unit when it succeeds', async () => {
  let affected = -1;
  await t.db.tx(async (q) => {
    void q.exec(...put(5)).then((n) => {
      affected = n;
    });
  });
  expect(await ids()).toEqual([5]);
  expect(affected).toBe(1);
});

test('a script issued but not awaited in a read unit still answers each step its own result', async () => {
  await t.db.tx((q) => q.exec(...put(7, 'seven')));
  let got: { rows: Record<string, unknown>[] }[] = [];
  await t.db.read(async (q) => {
    void q
      .script([
        ['SELECT v FROM probe WHERE id = ?', [7]],
        ['SELECT id FROM probe WHERE id = ?', [7]],
      ])
      .then((r) => {
        got = r;
      });
  });
  expect(got.map((r) => r.rows)).toEqual([[{ v: 'seven' }], [{ id: 7 }]]);
});
