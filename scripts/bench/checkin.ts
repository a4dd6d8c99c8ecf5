import {
  closedLoop,
  freshDatabase,
  jsonClient,
  memberToken,
  printTable,
  rawTx,
  seedMembers,
  startBenchServer,
  writeResults,
  type Row,
  API_ONLY,
} from './lib';

/**
 * Daily check-in: POST /api/me/checkin (member auth, business date, streak,
 * reward, ledger credit, one row per member and day) against the raw baseline
 * the issue names: a single-row INSERT IGNORE of the check-in, same database, same run.
 * Two more figures put the ratio in context: the same writes as the server's
 * check-in done raw (row, balance, entry, lot), and the cheapest authenticated
 * member read over HTTP (what every member call costs before doing anything).
 * Many members, each checking in once: a member can check in once a day.
 * Two levels by default: 16 members at once, and 64 (a morning peak), where
 * batches are larger; BENCH_CONCURRENCY picks one.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = process.env.BENCH_CONCURRENCY ? [Number(process.env.BENCH_CONCURRENCY)] : [16, 64];
const MEMBERS = 60_000;

export async function benchCheckin(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of LEVELS) rows.push(await benchCheckinAt(c));
  return rows;
}

async function benchCheckinAt(concurrency: number): Promise<Row> {
  const db = await freshDatabase('checkin', concurrency);
  const server = await startBenchServer(db.url, { DB_POOL_SIZE: String(concurrency), ...API_ONLY });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS, now);
    await db.pool.query(
      "INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT member_id, 'normal', ?, ? FROM points_accounts",
      [now, now],
    );
    const tokens = members.map(memberToken);
    const call = jsonClient(server.url, concurrency);
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
      const [res] = await db.pool.query(
        "INSERT IGNORE INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES (?, ?, 'normal', 1, 10, ?)",
        [members[i % members.length], day, Date.now()],
      );
      return (res as { affectedRows: number }).affectedRows === 1;
    };
    // A second baseline: the same writes as the server's check-in (row, balance, entry, lot) in one raw transaction.
    let fullNext = 0;
    const fullOp = async () => {
      const i = fullNext++;
      const memberId = members[i % members.length];
      const day = `2098-01-${String(1 + Math.floor(i / members.length)).padStart(2, '0')}`;
      return rawTx(db.pool, async (conn) => {
        await conn.query('SELECT streak FROM checkins WHERE member_id = ? AND business_date = ?', [memberId, day]);
        await conn.query(
          'SELECT business_date FROM checkins WHERE member_id = ? AND business_date >= ? AND business_date <= ?',
          [memberId, '2097-01-01', day],
        );
        await conn.query(
          "INSERT INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES (?, ?, 'normal', 1, 10, ?)",
          [memberId, day, Date.now()],
        );
        await conn.query('SELECT id FROM points_entries WHERE idem_key = ?', [`rawci:${memberId}:${day}`]);
        await conn.query('UPDATE points_accounts SET balance = balance + 10, updated_at = ? WHERE member_id = ?', [
          Date.now(),
          memberId,
        ]);
        const [[acc]] = (await conn.query('SELECT balance FROM points_accounts WHERE member_id = ?', [
          memberId,
        ])) as unknown as [[{ balance: number }]];
        const [e] = await conn.query(
          "INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, created_at) VALUES (?, 10, 'credit', 'checkin', ?, ?, 'x', ?, ?)",
          [memberId, `checkin:${day}`, `rawci:${memberId}:${day}`, acc.balance, Date.now()],
        );
        await conn.query(
          'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, ?, 10, 10, ?, ?)',
          [memberId, (e as { insertId: number }).insertId, Date.now() + 3e10, Date.now()],
        );
      });
    };
    // The floor any member endpoint pays, whatever it does: HTTP, token check and the
    // account read of member auth, plus one indexed read (the unread-message count).
    let floorNext = 0;
    const floorOp = async () => {
      const res = await call('GET', '/api/me/messages/unread-count', undefined, {
        authorization: `Bearer ${tokens[floorNext++ % tokens.length]}`,
      });
      return res.status === 200;
    };
    await closedLoop(appOp, concurrency, 1);
    const app = await closedLoop(appOp, concurrency, SECONDS);
    await closedLoop(floorOp, concurrency, 1);
    const floor = await closedLoop(floorOp, concurrency, SECONDS);
    await closedLoop(rawOp, concurrency, 1);
    const raw = await closedLoop(rawOp, concurrency, SECONDS);
    await closedLoop(fullOp, concurrency, 1);
    const full = await closedLoop(fullOp, concurrency, SECONDS);
    if (next > members.length) console.warn('check-in bench ran out of members: later check-ins were replays');
    const r2 = (n: number) => Math.round(n * 100) / 100;
    return {
      workload: `check-in (c=${concurrency})`,
      app,
      raw,
      target: 0.5,
      extra: {
        sameWritesRawPerSecond: Math.round(full.perSecond),
        ratioToSameWrites: r2(app.perSecond / full.perSecond),
        authenticatedReadPerSecond: Math.round(floor.perSecond),
        floorRatioToRaw: r2(floor.perSecond / raw.perSecond),
        ratioToAuthenticatedRead: r2(app.perSecond / floor.perSecond),
      },
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchCheckin().then(
    (rows) => {
      printTable(rows);
      console.log(`results: ${writeResults('checkin', rows)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
