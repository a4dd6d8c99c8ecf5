import { closedLoop, freshDatabase, jsonClient, memberToken, printTable, seedMembers, startBenchServer, writeResults, type Row } from './lib';

/**
 * Daily check-in: POST /api/me/checkin (member auth, business date, streak,
 * reward, ledger credit, one row per member and day) against the raw baseline
 * the issue names: a single-row INSERT IGNORE of the check-in, same database, same run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MEMBERS = 60_000;

export async function benchCheckin(): Promise<Row> {
  const db = await freshDatabase('checkin', CONCURRENCY);
  const server = await startBenchServer(db.url, { DB_POOL_SIZE: String(CONCURRENCY) });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS, now);
    await db.pool.query('INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT member_id, \'normal\', ?, ? FROM points_accounts', [now, now]);
    const tokens = members.map(memberToken);
    const call = jsonClient(server.url, CONCURRENCY);
    let next = 0;
    const appOp = async () => {
      const i = next++ % members.length;
      const res = await call('POST', '/api/me/checkin', undefined, { authorization: `Bearer ${tokens[i]}` });
      return res.status === 200;
    };
    let rawNext = 0;
    const rawOp = async () => {
      const i = rawNext++;
      // A new day each time the members wrap around, so every insert is a real one.
      const day = `2099-01-${String(1 + Math.floor(i / members.length)).padStart(2, '0')}`;
      const [res] = await db.pool.query("INSERT IGNORE INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES (?, ?, 'normal', 1, 10, ?)", [members[i % members.length], day, Date.now()]);
      return (res as { affectedRows: number }).affectedRows === 1;
    };
    await closedLoop(appOp, CONCURRENCY, 1);
    const app = await closedLoop(appOp, CONCURRENCY, SECONDS);
    await closedLoop(rawOp, CONCURRENCY, 1);
    const raw = await closedLoop(rawOp, CONCURRENCY, SECONDS);
    if (next > members.length) console.warn('check-in bench ran out of members: later check-ins were replays');
    return { workload: `check-in (c=${CONCURRENCY})`, app, raw, target: 0.5 };
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchCheckin().then((row) => { printTable([row]); console.log(`results: ${writeResults('checkin', [row])}`); process.exit(0); }, (err) => { console.error(err); process.exit(2); });
}
