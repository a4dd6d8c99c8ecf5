import {
  closedLoop,
  freshDatabase,
  jsonClient,
  memberToken,
  printTable,
  seedMembers,
  startBenchServer,
  writeResults,
  type Row,
  API_ONLY,
} from './lib';

/**
 * Card read: GET /api/me/card (auth, secret, tier, balance with expiring lots, the
 * current code) against raw mysql2 reading the same rows by primary key.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MEMBERS = 20_000;

export async function benchCard(): Promise<Row> {
  const db = await freshDatabase('card', CONCURRENCY);
  const server = await startBenchServer(db.url, { DB_POOL_SIZE: String(CONCURRENCY), ...API_ONLY });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS, now);
    await db.pool.query(
      "INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT member_id, 'normal', ?, ? FROM points_accounts",
      [now, now],
    );
    await db.pool.query(
      "INSERT INTO member_secrets (member_id, secret_hex, created_at) SELECT member_id, LPAD(HEX(member_id), 40, '0'), ? FROM points_accounts",
      [now],
    );
    const tokens = members.map(memberToken);
    const call = jsonClient(server.url, CONCURRENCY);
    let i = 0;
    const appOp = async () =>
      (await call('GET', '/api/me/card', undefined, { authorization: `Bearer ${tokens[i++ % members.length]}` }))
        .status === 200;
    let j = 0;
    const rawOp = async () => {
      const id = members[j++ % members.length];
      await db.pool.query('SELECT status, token_version FROM members WHERE id = ?', [id]);
      await db.pool.query('SELECT secret_hex FROM member_secrets WHERE member_id = ?', [id]);
      await db.pool.query('SELECT tier_code FROM member_tiers WHERE member_id = ?', [id]);
      await db.pool.query(
        'SELECT m.nickname, a.balance FROM members m JOIN points_accounts a ON a.member_id = m.id WHERE m.id = ?',
        [id],
      );
      await db.pool.query(
        'SELECT remaining, expires_at FROM points_lots WHERE member_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?',
        [id, now + 30 * 864e5],
      );
      return true;
    };
    await closedLoop(appOp, CONCURRENCY, 1);
    const app = await closedLoop(appOp, CONCURRENCY, SECONDS);
    await closedLoop(rawOp, CONCURRENCY, 1);
    const raw = await closedLoop(rawOp, CONCURRENCY, SECONDS);
    return { workload: `card read (c=${CONCURRENCY})`, app, raw, target: 0.5 };
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchCard().then(
    (row) => {
      printTable([row]);
      console.log(`results: ${writeResults('card', [row])}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
