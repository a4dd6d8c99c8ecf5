import { startTestServer, type TestServer } from './harness';

/**
 * Q.script sends several statements in one round trip on MySQL (one after the other
 * on SQLite), and START TRANSACTION rides with the first statement of a unit of
 * work. Both must behave exactly like statements sent one by one.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.ctx.db.read((q) => q.exec('CREATE TABLE script_probe (id INT PRIMARY KEY, v VARCHAR(200))'));
});
afterAll(async () => {
  await t.ctx.db.read((q) => q.exec('DROP TABLE script_probe'));
  await t.close();
});
const rows = () => t.ctx.db.read((q) => q.all<{ id: number; v: string }>('SELECT id, v FROM script_probe ORDER BY id'));

test('results in order: rows for reads, affected rows for writes; values are escaped, never run', async () => {
  const evil = "x'); DELETE FROM script_probe; SELECT ('?";
  const res = await t.ctx.db.tx((q) =>
    q.script([
      ['INSERT INTO script_probe (id, v) VALUES (?, ?), (?, ?)', [1, evil, 2, 'b;c']],
      ['UPDATE script_probe SET v = ? WHERE id = ?', ['?', 2]],
      ['SELECT v FROM script_probe WHERE id IN (?, ?) ORDER BY id', [1, 2]],
    ]),
  );
  expect(res.map((r) => r.affected)).toEqual([2, 1, 0]);
  expect(res[2].rows.map((r) => r.v)).toEqual([evil, '?']);
  expect((await rows()).map((r) => [Number(r.id), r.v])).toEqual([
    [1, evil],
    [2, '?'],
  ]);
});

test('the first error stops the script and rolls the unit of work back', async () => {
  await expect(
    t.ctx.db.tx(
      async (q) => {
        await q.exec('INSERT INTO script_probe (id, v) VALUES (?, ?)', [10, 'first']); // carries START TRANSACTION
        await q.script([
          ['INSERT INTO script_probe (id, v) VALUES (?, ?)', [11, 'ok']],
          ['INSERT INTO script_probe (id, v) VALUES (?, ?)', [10, 'duplicate']],
          ['INSERT INTO script_probe (id, v) VALUES (?, ?)', [12, 'never']],
        ]);
      },
      { maxAttempts: 1 },
    ),
  ).rejects.toThrow();
  expect((await rows()).map((r) => Number(r.id))).toEqual([1, 2]);
});

test('a script that opens a unit of work, alone or with one statement, answers like single statements', async () => {
  const one = await t.ctx.db.tx((q) => q.script([['SELECT COUNT(*) AS n FROM script_probe', []]]));
  expect(Number(one[0].rows[0].n)).toBe(2);
  const two = await t.ctx.db.tx(async (q) => {
    const r = await q.script([
      ['SELECT 1 AS a', []],
      ['SELECT 2 AS b', []],
    ]);
    return [r, await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM script_probe')];
  });
  expect([
    Number((two[0] as { rows: { a: number }[] }[])[0].rows[0].a),
    Number((two[0] as { rows: { b: number }[] }[])[1].rows[0].b),
    Number((two[1] as { n: number }).n),
  ]).toEqual([1, 2, 2]);
  expect(await t.ctx.db.tx((q) => q.script([]))).toEqual([]);
});

test('deferred writes go with the next statement or the commit; an error in them fails the unit of work', async () => {
  const seen = await t.ctx.db.tx(async (q) => {
    await q.defer([['INSERT INTO script_probe (id, v) VALUES (?, ?)', [20, 'deferred']]]);
    // Sent ahead of this read, in its round trip: the read sees it.
    const r = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM script_probe WHERE id = ?', [20]);
    await q.defer([['INSERT INTO script_probe (id, v) VALUES (?, ?)', [21, 'with the commit']]]);
    return Number(r!.n);
  });
  expect(seen).toBe(1);
  expect((await rows()).map((r) => Number(r.id))).toEqual([1, 2, 20, 21]);
  await expect(
    t.ctx.db.tx(
      async (q) => {
        await q.exec('INSERT INTO script_probe (id, v) VALUES (?, ?)', [30, 'written']);
        await q.defer([['INSERT INTO script_probe (id, v) VALUES (?, ?)', [20, 'duplicate']]]);
      },
      { maxAttempts: 1 },
    ),
  ).rejects.toThrow();
  expect((await rows()).map((r) => Number(r.id))).toEqual([1, 2, 20, 21]);
});

test('statements issued together answer each its own, alongside deferred writes and scripts', async () => {
  const [a, b, s, n] = await t.ctx.db.tx(async (q) => {
    await q.defer([['INSERT INTO script_probe (id, v) VALUES (?, ?)', [40, 'ahead']]]);
    return Promise.all([
      q.one<{ v: string }>('SELECT v FROM script_probe WHERE id = ?', [40]),
      q.all<{ id: number }>('SELECT id FROM script_probe WHERE id IN (?, ?) ORDER BY id', [1, 2]),
      q.script([
        ['UPDATE script_probe SET v = ? WHERE id = ?', ['together', 97]],
        ['SELECT COUNT(*) AS n FROM script_probe WHERE id = ?', [2]],
      ]),
      q.exec('UPDATE script_probe SET v = ? WHERE id IN (?, ?)', ['x', 98, 99]),
    ]);
  });
  expect(a?.v).toBe('ahead');
  expect(b.map((r) => Number(r.id))).toEqual([1, 2]);
  expect(s.map((r) => r.affected)).toEqual([0, 0]);
  expect(Number(s[1].rows[0].n)).toBe(1);
  expect(n).toBe(0);
  // Reads outside a transaction too.
  const [one, two] = await t.ctx.db.read((q) =>
    Promise.all([
      q.one<{ v: string }>('SELECT v FROM script_probe WHERE id = ?', [1]),
      q.one<{ v: string }>('SELECT v FROM script_probe WHERE id = ?', [2]),
    ]),
  );
  expect([one?.v, two?.v]).toEqual(["x'); DELETE FROM script_probe; SELECT ('?", '?']);
});

test('statements issued together fail together, and the unit of work rolls back', async () => {
  const before = (await rows()).map((r) => Number(r.id));
  const outcome = await t.ctx.db
    .tx(
      (q) =>
        Promise.allSettled([
          q.exec('INSERT INTO script_probe (id, v) VALUES (?, ?)', [50, 'first']),
          q.exec('INSERT INTO script_probe (id, v) VALUES (?, ?)', [1, 'duplicate']),
        ]).then((r) => {
          if (r.some((x) => x.status === 'rejected')) throw new Error(r.map((x) => x.status).join(','));
        }),
      { maxAttempts: 1 },
    )
    .catch((err: Error) => err.message);
  // On MySQL both went in one round trip and both reject; on SQLite only the duplicate does.
  expect(outcome).toBe(t.dialect === 'mysql' ? 'rejected,rejected' : 'fulfilled,rejected');
  expect((await rows()).map((r) => Number(r.id))).toEqual(before);
});
