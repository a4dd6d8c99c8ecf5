import { createHash, randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { memberCode } from '@huiyuan/shared';
import {
  closedLoop,
  freshDatabase,
  jsonClient,
  openLoop,
  printTable,
  rawTx,
  seedMembers,
  startBenchServer,
  writeResults,
  type Row,
} from './lib';

/**
 * Checkout with points (积分抵现): POST /api/staff/checkout paying 20 yuan of a
 * 123.45 yuan order with 2,000 points (the debit from lots, the daily counter,
 * earning on the cash part, growth, code use, order, audit) against raw mysql2
 * doing the same writes in one transaction, same database, same run. Then a
 * contention check: two tills pay with the same member's points at once, for
 * many members together, and the ledger must show no overspend (no balance below
 * zero, balance = sum of entries, never more paid than held).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = (process.env.BENCH_LEVELS ?? '8,16,32').split(',').map(Number);
const MEMBERS = 60_000; // each code step is used once: enough members that none repeats within a run
const CONTENDED = 300; // members two tills pay for at once
const WAVE = 20; // members contended for together
const OPENING = 5_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Opening balances as the ledger writes them: a credit entry and its lot per member, set-based. */
async function seedBalances(pool: Pool, ids: number[], points: number, now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await pool.query(
      `UPDATE points_accounts SET balance = balance + ? WHERE member_id IN (${chunk.map(() => '?').join(',')})`,
      [points, ...chunk],
    );
    await pool.query(
      'INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES ?',
      [
        chunk.map((id) => [
          id,
          points,
          'credit',
          'bench_opening',
          null,
          `open:${id}`,
          sha(`open:${id}`),
          points,
          null,
          null,
          null,
          now,
        ]),
      ],
    );
    await pool.query(
      `INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at)
       SELECT member_id, id, delta, delta, NULL, ? FROM points_entries WHERE idem_key IN (${chunk.map(() => '?').join(',')})`,
      [now, ...chunk.map((id) => `open:${id}`)],
    );
  }
}

export async function benchCheckoutPoints(): Promise<Row[]> {
  const maxC = Math.max(...LEVELS);
  const db = await freshDatabase('checkout_points', maxC);
  const server = await startBenchServer(db.url, {
    DB_POOL_SIZE: String(maxC),
    SCANS_PER_STORE_PER_MINUTE: '100000000',
  });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS + CONTENDED, now);
    const secrets = new Map<number, Uint8Array>();
    for (let i = 0; i < members.length; i += 1000) {
      const chunk = members.slice(i, i + 1000);
      const rows = chunk.map((id) => {
        const s = randomBytes(20);
        secrets.set(id, new Uint8Array(s));
        return [id, s.toString('hex'), now];
      });
      await db.pool.query('INSERT INTO member_secrets (member_id, secret_hex, created_at) VALUES ?', [rows]);
      await db.pool.query('INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) VALUES ?', [
        chunk.map((id) => [id, 'normal', now, now]),
      ]);
    }
    const contended = members.slice(MEMBERS);
    const appMembers = members.slice(0, MEMBERS / 2);
    const rawMembers = members.slice(MEMBERS / 2, MEMBERS);
    await seedBalances(db.pool, members.slice(0, MEMBERS), OPENING, now);
    await seedBalances(db.pool, contended, 1_000, now);
    await db.pool.query(
      "INSERT INTO stores (code, name, status, created_at) VALUES ('B1', 'Bench store', 'active', ?)",
      [now],
    );
    await db.pool.query(
      "INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, status, token_version, created_at, updated_at) VALUES ('bench-staff', ?, 'bench', 'staff', 1, 'active', 0, ?, ?)",
      [bcrypt.hashSync('bench-password', 4), now, now],
    );
    // Credit caps and the daily redemption cap off: the bench measures the path, not the limits.
    await db.pool.query('INSERT INTO app_config (config_key, value_json, updated_at) VALUES (?, ?, ?), (?, ?, ?)', [
      'checkout.caps',
      JSON.stringify({ perStaffDailyPoints: 0, perMemberDailyPoints: 0 }),
      now,
      'checkout.pointsCash',
      JSON.stringify({
        enabled: true,
        pointsPerYuan: 100,
        maxSharePercent: 50,
        perMemberDailyPoints: 0,
        confirm: 'scan',
      }),
      now,
    ]);
    const call = jsonClient(server.url, maxC * 2);
    const login = await call('POST', '/api/staff/login', { username: 'bench-staff', password: 'bench-password' });
    const auth = { authorization: `Bearer ${(JSON.parse(login.body) as { token: string }).token}` };
    const pay = (id: number, at: number, amountCents: number, redeemPoints: number) =>
      call(
        'POST',
        '/api/staff/checkout',
        {
          memberCode: memberCode(String(id), secrets.get(id)!, at),
          orderNo: `P${randomUUID().slice(0, 18)}`,
          amountCents,
          redeemPoints,
        },
        auth,
      );
    let nextApp = 0;
    let nextRaw = 0;
    const appOp = async () =>
      (await pay(appMembers[nextApp++ % appMembers.length], Date.now(), 12_345, 2_000)).status === 200;
    const rawOp = async () =>
      rawCheckoutWithPoints(db.pool, rawMembers[nextRaw++ % rawMembers.length], `R${randomUUID().slice(0, 18)}`);

    const rows: Row[] = [];
    let best = 0;
    for (const c of LEVELS) {
      await closedLoop(appOp, c, 1);
      const app = await closedLoop(appOp, c, SECONDS);
      await closedLoop(rawOp, c, 1);
      const raw = await closedLoop(rawOp, c, SECONDS);
      best = Math.max(best, app.perSecond);
      rows.push({ workload: `checkout+points closed c=${c}`, app, raw, target: 0.6 });
    }
    const rate = Math.max(10, Math.floor(best * 0.7));
    const app = await openLoop(appOp, rate, SECONDS);
    const raw = await openLoop(rawOp, rate, SECONDS);
    const contention = await contend(db.pool, contended, pay);
    console.log(
      `checkout+points contention: ${contended.length} members x 2 tills at once (waves of ${WAVE}): ${JSON.stringify(contention.outcomes)}, overspend ${contention.overspend}`,
    );
    if (contention.overspend !== 0) throw new Error(`overspend: ${JSON.stringify(contention.bad.slice(0, 5))}`);
    rows.push({
      workload: `checkout+points open ${rate}/s (70%)`,
      app,
      raw,
      target: 0,
      extra: {
        p99TargetMs: 25,
        rawP50Ms: raw.p50,
        rawP99Ms: raw.p99,
        overspend: contention.overspend,
        contention: contention.outcomes,
      },
    });
    return rows;
  } finally {
    await server.stop();
    await db.drop();
  }
}

/**
 * Two tills at once per member (the previous and the current code, both valid),
 * each paying 600 of the member's 1,000 points: at most one may succeed. Then
 * the ledger is read back: a member overspent if the balance went below zero,
 * the balance differs from its entries, or more was paid than was held.
 */
async function contend(
  pool: Pool,
  ids: number[],
  pay: (id: number, at: number, amountCents: number, points: number) => Promise<{ status: number; body: string }>,
) {
  // In waves, each with codes of its own instant: a code is valid for two 30 s steps, a long queue would outlive it.
  const res: { status: number; body: string }[] = [];
  for (let i = 0; i < ids.length; i += WAVE) {
    const at = Date.now();
    const wave = ids.slice(i, i + WAVE);
    res.push(...(await Promise.all(wave.flatMap((id) => [pay(id, at - 30_000, 1_200, 600), pay(id, at, 1_200, 600)]))));
  }
  const [rows] = (await pool.query(
    `SELECT a.member_id, a.balance,
            (SELECT COALESCE(SUM(delta), 0) FROM points_entries e WHERE e.member_id = a.member_id) AS ledger,
            (SELECT COALESCE(SUM(-delta), 0) FROM points_entries e WHERE e.member_id = a.member_id AND e.reason = 'checkout_redeem') AS paid,
            (SELECT COALESCE(SUM(delta), 0) FROM points_entries e WHERE e.member_id = a.member_id AND e.delta > 0) AS held
       FROM points_accounts a WHERE a.member_id IN (${ids.map(() => '?').join(',')})`,
    ids,
  )) as unknown as [{ member_id: number; balance: string; ledger: string; paid: string; held: string }[]];
  const bad = rows.filter(
    (r) => Number(r.balance) < 0 || Number(r.balance) !== Number(r.ledger) || Number(r.paid) > Number(r.held),
  );
  const outcomes: Record<string, number> = {};
  for (const r of res) {
    const code = r.status === 200 ? 'paid' : ((JSON.parse(r.body) as { code?: string }).code ?? String(r.status));
    outcomes[code] = (outcomes[code] ?? 0) + 1;
  }
  return {
    outcomes,
    paid: res.filter((r) => r.status === 200).length,
    refused: res.filter((r) => r.status === 409 && r.body.includes('INSUFFICIENT_POINTS')).length,
    overspend: bad.length,
    bad,
  };
}

/** The rows the server writes for one checkout paid partly with points, as plain SQL in one transaction. */
async function rawCheckoutWithPoints(pool: Pool, memberId: number, orderNo: string): Promise<boolean> {
  const now = Date.now();
  return rawTx(pool, async (conn: PoolConnection) => {
    await conn.query('SELECT member_id FROM orders WHERE store_id = 1 AND order_no = ?', [orderNo]);
    await conn.query(
      "SELECT s.secret_hex FROM member_secrets s JOIN members m ON m.id = s.member_id WHERE s.member_id = ? AND m.status = 'active'",
      [memberId],
    );
    const hash = sha(orderNo);
    const [o] = await conn.query(
      "INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, redeemed_points, discount_cents, input_hash, business_date, created_at, updated_at) VALUES (1, ?, ?, 1, 12345, 2000, 2000, ?, '2026-11-24', ?, ?)",
      [orderNo, memberId, hash, now, now],
    );
    const orderId = (o as { insertId: number }).insertId;
    await conn.query(
      'INSERT INTO member_code_uses (member_id, step, store_id, staff_id, order_no, used_at) VALUES (?, ?, 1, 1, ?, ?)',
      [memberId, Math.floor(now / 30000) * 1000 + Math.floor(Math.random() * 1000), orderNo, now],
    );
    await conn.query('SELECT tier_code FROM member_tiers WHERE member_id = ?', [memberId]);
    await conn.query(
      "INSERT INTO daily_counters (scope, subject_id, business_date, amount) VALUES ('member_redeem', ?, '2026-11-24', 2000) ON DUPLICATE KEY UPDATE amount = amount + VALUES(amount)",
      [memberId],
    );
    // The debit: row lock, guarded balance, entry, lots earliest expiry first, allocation.
    await conn.query('SELECT member_id FROM points_accounts WHERE member_id = ? FOR UPDATE', [memberId]);
    const [taken] = await conn.query(
      'UPDATE points_accounts SET balance = balance - 2000, updated_at = ? WHERE member_id = ? AND balance >= 2000',
      [now, memberId],
    );
    if ((taken as { affectedRows: number }).affectedRows !== 1) throw new Error('insufficient');
    const [[acc]] = (await conn.query('SELECT balance FROM points_accounts WHERE member_id = ?', [
      memberId,
    ])) as unknown as [[{ balance: number }]];
    const [d] = await conn.query(
      "INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES (?, -2000, 'debit', 'checkout_redeem', ?, ?, ?, ?, 1, 1, NULL, ?)",
      [memberId, `order:${orderId}`, `rawr:${orderNo}`, hash, acc.balance, now],
    );
    const [lots] = (await conn.query('SELECT id, remaining FROM points_lots WHERE member_id = ? AND remaining > 0', [
      memberId,
    ])) as unknown as [{ id: number; remaining: number }[]];
    let left = 2000;
    for (const l of lots) {
      if (!left) break;
      const take = Math.min(left, Number(l.remaining));
      await conn.query('UPDATE points_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
        take,
        l.id,
        take,
      ]);
      await conn.query('INSERT INTO points_allocations (entry_id, lot_id, member_id, points) VALUES (?, ?, ?, ?)', [
        (d as { insertId: number }).insertId,
        l.id,
        memberId,
        take,
      ]);
      left -= take;
    }
    // The credit on the cash part (103.45 yuan: 103 points), its lot, growth, order answer, audit.
    await conn.query('UPDATE points_accounts SET balance = balance + 103, updated_at = ? WHERE member_id = ?', [
      now,
      memberId,
    ]);
    const [e] = await conn.query(
      "INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at) VALUES (?, 103, 'credit', 'purchase', ?, ?, ?, ?, 1, 1, NULL, ?)",
      [memberId, `order:${orderId}`, `raw:${orderNo}`, hash, acc.balance + 103, now],
    );
    await conn.query(
      'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, ?, 103, 103, ?, ?)',
      [memberId, (e as { insertId: number }).insertId, now + 3e10, now],
    );
    await conn.query('SELECT tier_code FROM member_tiers WHERE member_id = ? FOR UPDATE', [memberId]);
    await conn.query(
      "INSERT INTO growth_entries (member_id, delta, source, ref, label, idem_key, store_id, created_at) VALUES (?, 103, 'purchase', NULL, 'bench', ?, 1, ?)",
      [memberId, `rawg:${orderNo}`, now],
    );
    await conn.query('SELECT SUM(delta) AS total FROM growth_entries WHERE member_id = ? AND created_at >= ?', [
      memberId,
      now - 3e10,
    ]);
    await conn.query('SELECT nickname FROM members WHERE id = ?', [memberId]);
    await conn.query('UPDATE orders SET points = 103, growth = 103, result_json = ? WHERE id = ?', [
      '{"raw":true}',
      orderId,
    ]);
    await conn.query(
      "INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at) VALUES ('staff', 1, 'checkout.credit', 'member', ?, NULL, '{}', NULL, NULL, ?)",
      [String(memberId), now],
    );
  });
}

if (require.main === module) {
  benchCheckoutPoints().then(
    (rows) => {
      printTable(rows);
      console.log(`results: ${writeResults('checkout-points', rows)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
