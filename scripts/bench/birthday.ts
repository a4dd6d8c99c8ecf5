import {
  freshDatabase,
  jsonClient,
  printTable,
  startBenchServer,
  writeResults,
  type LoopResult,
  type Row,
} from './lib';
import bcrypt from 'bcryptjs';

/**
 * Birthday batch: 1,000,000 members seeded set-based; the day's birthdays are
 * gifted through the job (ledger entries, lots, outbox) and compared with a
 * set-based raw SQL baseline gifting the next day's birthdays in chunks of 1,000
 * in the same run. Then the outbox drain rate of the queued messages.
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);

const result = (ops: number, seconds: number): LoopResult => ({
  ops,
  errors: 0,
  seconds,
  perSecond: ops / seconds,
  p50: 0,
  p99: 0,
});

export async function benchBirthday(): Promise<Row[]> {
  const db = await freshDatabase('birthday', 8);
  const server = await startBenchServer(db.url, { BACKGROUND: 'off', BUSINESS_TZ: 'Asia/Shanghai' });
  try {
    const now = Date.now();
    const t0 = Date.now();
    // Birthdays spread over the year: about 1/365 of members have one today.
    await db.pool.query(
      `INSERT INTO members (openid, birthday, birthday_md, status, token_version, created_at, updated_at)
      SELECT CONCAT('bday-', seq), DATE_FORMAT(DATE_ADD('1990-01-01', INTERVAL (seq % 365) DAY), '%Y-%m-%d'),
        DATE_FORMAT(DATE_ADD('1990-01-01', INTERVAL (seq % 365) DAY), '%m-%d'), 'active', 0, ?, ? FROM seq_1_to_${MEMBERS}`,
      [now, now],
    );
    await db.pool.query('INSERT INTO points_accounts (member_id, balance, updated_at) SELECT id, 0, ? FROM members', [
      now,
    ]);
    await db.pool.query(
      "INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT id, 'normal', ?, ? FROM members",
      [now, now],
    );
    const seedSeconds = (Date.now() - t0) / 1000;
    await db.pool.query(
      "INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, status, token_version, created_at, updated_at) VALUES ('bench-op', ?, 'bench', 'operator', NULL, 'active', 0, ?, ?)",
      [bcrypt.hashSync('bench-password', 4), now, now],
    );
    const call = jsonClient(server.url, 2);
    const token = (
      JSON.parse(
        (await call('POST', '/api/staff/login', { username: 'bench-op', password: 'bench-password' })).body,
      ) as { token: string }
    ).token;
    const auth = { authorization: `Bearer ${token}` };

    const a0 = Date.now();
    const run = JSON.parse((await call('POST', '/api/admin/jobs/birthday/run', undefined, auth)).body) as {
      detail: { gifted: number };
    };
    const appSeconds = (Date.now() - a0) / 1000;
    const gifted = run.detail.gifted;

    // Raw: the next day's birthdays, set-based in chunks of 1,000 members.
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' })
      .format(new Date(now + 86_400_000))
      .slice(5);
    const r0 = Date.now();
    let rawGifted = 0;
    for (let after = 0; ;) {
      const [ids] = (await db.pool.query(
        "SELECT id FROM members WHERE id > ? AND status = 'active' AND SUBSTR(birthday, 6, 5) = ? ORDER BY id LIMIT 1000",
        [after, tomorrow],
      )) as unknown as [{ id: number }[]];
      if (!ids.length) break;
      const list = ids.map((r) => r.id);
      const conn = await db.pool.getConnection();
      try {
        await conn.beginTransaction();
        await conn.query('UPDATE points_accounts SET balance = balance + 100, updated_at = ? WHERE member_id IN (?)', [
          now,
          list,
        ]);
        await conn.query(
          "INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, created_at) SELECT member_id, 100, 'credit', 'birthday_gift', 'raw', CONCAT('rawbday:', member_id), 'x', balance, ? FROM points_accounts WHERE member_id IN (?)",
          [now, list],
        );
        await conn.query(
          'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) SELECT member_id, id, 100, 100, ?, ? FROM points_entries WHERE idem_key IN (?)',
          [now + 3e10, now, list.map((id) => `rawbday:${id}`)],
        );
        await conn.query(
          "INSERT INTO outbox (dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, created_at) SELECT CONCAT('rawbday:', id), 'birthday_gift', id, '{\"points\":100}', 'raw', 0, ?, ? FROM members WHERE id IN (?)",
          [now, now, list],
        );
        await conn.commit();
      } finally {
        conn.release();
      }
      rawGifted += list.length;
      after = list[list.length - 1];
    }
    const rawSeconds = (Date.now() - r0) / 1000;

    const d0 = Date.now();
    const drained = JSON.parse((await call('POST', '/api/admin/jobs/outbox/run', undefined, auth)).body) as {
      processed: number;
    };
    const drainSeconds = (Date.now() - d0) / 1000;
    console.log(
      `seeded ${MEMBERS} members in ${seedSeconds.toFixed(1)} s; gifted ${gifted} (app) and ${rawGifted} (raw); drained ${drained.processed} outbox rows`,
    );
    return [
      {
        workload: `birthday batch (${MEMBERS / 1e6}M members)`,
        app: result(gifted, appSeconds),
        raw: result(rawGifted, rawSeconds),
        target: 0.5,
      },
      {
        workload: 'outbox drain (inbox path)',
        app: result(drained.processed, drainSeconds),
        raw: result(drained.processed, drainSeconds),
        target: 0,
      },
    ];
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchBirthday().then(
    (rows) => {
      printTable(rows);
      console.log(`results: ${writeResults('birthday', rows)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
