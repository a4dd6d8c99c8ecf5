import { createHash, randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { memberCode } from '@huiyuan/shared';
import {
  closedLoop,
  freshDatabase,
  jsonClient,
  openLoop,
  printTable,
  seedMembers,
  startBenchServer,
  writeResults,
  type Row,
  rawTx,
  API_ONLY,
} from './lib';

/**
 * Staff checkout: POST /api/staff/checkout (staff auth, code verification and
 * single use, order claim, caps, points, growth, tier, audit) against raw mysql2
 * doing the same writes in one transaction, same database, same run. Closed loop
 * at several concurrencies for max throughput, then an open loop at 70% of the
 * best app rate for p99.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = (process.env.BENCH_LEVELS ?? '8,16,32').split(',').map(Number);
const MEMBERS = 120_000; // each code step is used once: enough members that no code repeats within a run

export async function benchCheckout(): Promise<Row[]> {
  const maxC = Math.max(...LEVELS);
  const db = await freshDatabase('checkout', maxC);
  // One bench store does what hundreds of stores would: lift the per-store scan limit.
  const server = await startBenchServer(db.url, {
    DB_POOL_SIZE: String(maxC),
    SCANS_PER_STORE_PER_MINUTE: '100000000',
    ...API_ONLY,
  });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS, now);
    const secrets = new Map<number, Uint8Array>();
    for (let i = 0; i < members.length; i += 1000) {
      const rows = members.slice(i, i + 1000).map((id) => {
        const s = randomBytes(20);
        secrets.set(id, new Uint8Array(s));
        return [id, s.toString('hex'), now];
      });
      await db.pool.query('INSERT INTO member_secrets (member_id, secret_hex, created_at) VALUES ?', [rows]);
      await db.pool.query('INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) VALUES ?', [
        members.slice(i, i + 1000).map((id) => [id, 'normal', now, now]),
      ]);
    }
    await db.pool.query(
      "INSERT INTO stores (code, name, status, created_at) VALUES ('B1', 'Bench store', 'active', ?)",
      [now],
    );
    await db.pool.query(
      "INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, status, token_version, created_at, updated_at) VALUES ('bench-staff', ?, 'bench', 'staff', 1, 'active', 0, ?, ?)",
      [bcrypt.hashSync('bench-password', 4), now, now],
    );
    // Caps off: the bench measures the path, not the fraud limit.
    await db.pool.query("INSERT INTO app_config (config_key, value_json, updated_at) VALUES ('checkout.caps', ?, ?)", [
      JSON.stringify({ perStaffDailyPoints: 0, perMemberDailyPoints: 0 }),
      now,
    ]);
    const call = jsonClient(server.url, maxC);
    const login = await call('POST', '/api/staff/login', { username: 'bench-staff', password: 'bench-password' });
    const token = (JSON.parse(login.body) as { token: string }).token;
    let next = 0;
    // Each member's code is used once per 30 s step: walk through members so no code repeats.
    const nextMember = () => members[next++ % members.length];

    const appOp = async () => {
      const id = nextMember();
      const res = await call(
        'POST',
        '/api/staff/checkout',
        {
          memberCode: memberCode(String(id), secrets.get(id)!, Date.now()),
          orderNo: `A${randomUUID().slice(0, 18)}`,
          amountCents: 12_345,
        },
        { authorization: `Bearer ${token}` },
      );
      return res.status === 200;
    };
    const rawOp = async () => rawCheckout(db.pool, nextMember(), `R${randomUUID().slice(0, 18)}`);

    const rows: Row[] = [];
    let best = 0;
    for (const c of LEVELS) {
      await closedLoop(appOp, c, 1);
      const app = await closedLoop(appOp, c, SECONDS);
      await closedLoop(rawOp, c, 1);
      const raw = await closedLoop(rawOp, c, SECONDS);
      best = Math.max(best, app.perSecond);
      rows.push({ workload: `checkout closed c=${c}`, app, raw, target: 0.6 });
    }
    const rate = Math.max(10, Math.floor(best * 0.7));
    const app = await openLoop(appOp, rate, SECONDS);
    const raw = await openLoop(rawOp, rate, SECONDS);
    rows.push({
      workload: `checkout open ${rate}/s (70%)`,
      app,
      raw,
      target: 0,
      extra: { p99TargetMs: 25, rawP50Ms: raw.p50, rawP99Ms: raw.p99 },
    });
    return rows;
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** The same rows the server writes for one checkout, as plain SQL in one transaction. */
async function rawCheckout(pool: import('mysql2/promise').Pool, memberId: number, orderNo: string): Promise<boolean> {
  const now = Date.now();
  return rawTx(pool, async (conn) => {
    await conn
      .query('SELECT member_id FROM orders WHERE store_id = 1 AND order_no = ?', [orderNo])
      .catch(() => undefined);
    await conn.query(
      "SELECT s.secret_hex FROM member_secrets s JOIN members m ON m.id = s.member_id WHERE s.member_id = ? AND m.status = 'active'",
      [memberId],
    );
    const hash = createHash('sha256').update(orderNo).digest('hex');
    const [o] = await conn.query(
      "INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, input_hash, business_date, created_at, updated_at) VALUES (1, ?, ?, 1, 12345, ?, '2026-11-24', ?, ?)",
      [orderNo, memberId, hash, now, now],
    );
    await conn.query(
      'INSERT INTO member_code_uses (member_id, step, store_id, staff_id, order_no, used_at) VALUES (?, ?, 1, 1, ?, ?)',
      [memberId, Math.floor(now / 30000) * 1000 + Math.floor(Math.random() * 1000), orderNo, now],
    );
    await conn.query('SELECT tier_code FROM member_tiers WHERE member_id = ?', [memberId]);
    await conn.query('UPDATE points_accounts SET balance = balance + 123, updated_at = ? WHERE member_id = ?', [
      now,
      memberId,
    ]);
    const [[acc]] = (await conn.query('SELECT balance FROM points_accounts WHERE member_id = ?', [
      memberId,
    ])) as unknown as [[{ balance: number }]];
    const [e] = await conn.query(
      "INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES (?, 123, 'credit', 'purchase', ?, ?, ?, ?, 1, 1, NULL, ?)",
      [memberId, `order:${(o as { insertId: number }).insertId}`, `raw:${orderNo}`, hash, acc.balance, now],
    );
    await conn.query(
      'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, ?, 123, 123, ?, ?)',
      [memberId, (e as { insertId: number }).insertId, now + 3e10, now],
    );
    await conn.query('SELECT tier_code FROM member_tiers WHERE member_id = ? FOR UPDATE', [memberId]);
    await conn.query(
      "INSERT INTO growth_entries (member_id, delta, source, ref, label, idem_key, store_id, created_at) VALUES (?, 123, 'purchase', NULL, 'bench', ?, 1, ?)",
      [memberId, `rawg:${orderNo}`, now],
    );
    await conn.query('SELECT SUM(delta) AS total FROM growth_entries WHERE member_id = ? AND created_at >= ?', [
      memberId,
      now - 3e10,
    ]);
    await conn.query('SELECT nickname FROM members WHERE id = ?', [memberId]);
    await conn.query('UPDATE orders SET points = 123, growth = 123, result_json = ? WHERE id = ?', [
      '{"raw":true}',
      (o as { insertId: number }).insertId,
    ]);
    await conn.query(
      "INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at) VALUES ('staff', 1, 'checkout.credit', 'member', ?, NULL, '{}', NULL, NULL, ?)",
      [String(memberId), now],
    );
  });
}

if (require.main === module) {
  benchCheckout().then(
    (rows) => {
      printTable(rows);
      console.log(`results: ${writeResults('checkout', rows)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
