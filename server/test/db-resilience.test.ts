import { createConnection } from 'mysql2/promise';
import { startTestServer, type TestServer } from './harness';

/**
 * A database connection killed under a read (failover, idle reaper, DBA) costs a
 * retry, not a 500: reads change nothing, so Database.read runs them again, as
 * tx() does for transactions. MariaDB/MySQL only: SQLite has no connection to kill.
 */
const mysqlOnly = process.env.DATABASE_URL ? test : test.skip;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

mysqlOnly('a read whose connection is killed mid-query is retried on a fresh connection', async () => {
  const u = new URL(t.ctx.config.db.kind === 'mysql' ? t.ctx.config.db.url : '');
  const admin = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  try {
    const m = await t.login('db-kill');
    let runs = 0;
    const reading = t.ctx.db.read(async (q) => {
      runs++;
      return q.one<{ s: unknown; balance: unknown }>(
        'SELECT SLEEP(0.4) AS s, balance FROM points_accounts WHERE member_id = ?',
        [m.memberId],
      );
    });
    let victim: number | undefined;
    for (let i = 0; i < 50 && victim === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const [rows] = await admin.query(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT SLEEP(0.4)%'",
        [u.pathname.slice(1)],
      );
      victim = (rows as { ID: number }[])[0]?.ID;
    }
    expect(victim).toBeDefined();
    await admin.query(`KILL CONNECTION ${victim}`);
    const row = await reading;
    expect(Number(row!.balance)).toBe(0);
    expect(runs).toBe(2);
    // The pool is healthy afterwards: the broken connection was not handed out again.
    expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(0);
  } finally {
    await admin.end();
  }
});
