import { randomUUID, createHash } from 'node:crypto';
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
  rawTx,
} from './lib';

/**
 * Flash sale: members hammer POST /api/me/redemptions for one benefit. The
 * baseline is a raw transaction doing the same writes with conditional updates
 * (limit counter, balance, ledger entry, stock, voucher). Afterwards both are
 * checked: oversell (vouchers > stock) and double spend (debits != vouchers x cost) must be 0.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MEMBERS = 20_000;
const COST = 10;

export async function benchFlashSale(): Promise<Row> {
  const db = await freshDatabase('flash', CONCURRENCY);
  const server = await startBenchServer(db.url, { DB_POOL_SIZE: String(CONCURRENCY) });
  try {
    const now = Date.now();
    const members = await seedMembers(db.pool, MEMBERS, now);
    await db.pool.query(
      "INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT member_id, 'normal', ?, ? FROM points_accounts",
      [now, now],
    );
    // Every member starts with 1,000 points in one lot (set-based seed: entry + lot + balance agree).
    await db.pool.query(
      "INSERT INTO points_entries (member_id, delta, type, reason, idem_key, input_hash, balance_after, created_at) SELECT member_id, 1000, 'credit', 'seed', CONCAT('seed:', member_id), 'x', 1000, ? FROM points_accounts",
      [now],
    );
    await db.pool.query(
      'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) SELECT member_id, id, 1000, 1000, ?, ? FROM points_entries',
      [now + 3e10, now],
    );
    await db.pool.query('UPDATE points_accounts SET balance = 1000');
    const mk = async (title: string, stock: number) => {
      const [r] = await db.pool.query(
        "INSERT INTO benefits (title, description, kind, cost_points, stock_total, stock_left, per_member_limit, valid_days, status, created_at, updated_at) VALUES (?, '', 'voucher', ?, ?, ?, 5, 30, 'active', ?, ?)",
        [title, COST, stock, stock, now, now],
      );
      return (r as { insertId: number }).insertId;
    };
    const STOCK = 1_000_000; // enough that throughput, not sell-out, is measured
    const appBenefit = await mk('app', STOCK);
    const rawBenefit = await mk('raw', STOCK);
    const tokens = members.map(memberToken);
    const call = jsonClient(server.url, CONCURRENCY);
    let next = 0;
    const appOp = async () => {
      const i = next++ % members.length;
      const res = await call(
        'POST',
        '/api/me/redemptions',
        { benefitId: String(appBenefit) },
        { authorization: `Bearer ${tokens[i]}`, 'idempotency-key': randomUUID() },
      );
      return res.status === 200;
    };
    let rawNext = 0;
    const rawOp = async () => {
      const memberId = members[rawNext++ % members.length];
      const key = randomUUID();
      return rawTx(db.pool, async (conn) => {
        await conn.query('SELECT id FROM vouchers WHERE member_id = ? AND request_key = ?', [memberId, key]);
        await conn.query('SELECT * FROM benefits WHERE id = ?', [rawBenefit]);
        await conn.query(
          'INSERT INTO benefit_member_counts (benefit_id, member_id, redeemed) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE redeemed = redeemed + 1',
          [rawBenefit, memberId],
        );
        const [[cnt]] = (await conn.query(
          'SELECT redeemed FROM benefit_member_counts WHERE benefit_id = ? AND member_id = ?',
          [rawBenefit, memberId],
        )) as unknown as [[{ redeemed: number }]];
        if (cnt.redeemed > 5) throw new Error('limit');
        await conn.query('SELECT member_id FROM points_accounts WHERE member_id = ? FOR UPDATE', [memberId]);
        const [u] = await conn.query(
          'UPDATE points_accounts SET balance = balance - ? WHERE member_id = ? AND balance >= ?',
          [COST, memberId, COST],
        );
        if ((u as { affectedRows: number }).affectedRows !== 1) throw new Error('points');
        const [[acc]] = (await conn.query('SELECT balance FROM points_accounts WHERE member_id = ?', [
          memberId,
        ])) as unknown as [[{ balance: number }]];
        const [e] = await conn.query(
          "INSERT INTO points_entries (member_id, delta, type, reason, idem_key, input_hash, balance_after, created_at) VALUES (?, ?, 'debit', 'redemption', ?, ?, ?, ?)",
          [
            memberId,
            -COST,
            `rawredeem:${key}`,
            createHash('sha256').update(key).digest('hex'),
            acc.balance,
            Date.now(),
          ],
        );
        const [[lot]] = (await conn.query('SELECT id FROM points_lots WHERE member_id = ? AND remaining >= ? LIMIT 1', [
          memberId,
          COST,
        ])) as unknown as [[{ id: number }]];
        await conn.query('UPDATE points_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [
          COST,
          lot.id,
          COST,
        ]);
        await conn.query('INSERT INTO points_allocations (entry_id, lot_id, member_id, points) VALUES (?, ?, ?, ?)', [
          (e as { insertId: number }).insertId,
          lot.id,
          memberId,
          COST,
        ]);
        const [s] = await conn.query(
          'UPDATE benefits SET stock_left = stock_left - 1 WHERE id = ? AND stock_left >= 1',
          [rawBenefit],
        );
        if ((s as { affectedRows: number }).affectedRows !== 1) throw new Error('stock');
        await conn.query(
          "INSERT INTO vouchers (code, benefit_id, member_id, status, cost_points, request_key, input_hash, valid_until, created_at) VALUES (?, ?, ?, 'unused', ?, ?, 'x', ?, ?)",
          [
            randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
            rawBenefit,
            memberId,
            COST,
            key,
            Date.now() + 864e5 * 30,
            Date.now(),
          ],
        );
      });
    };
    await closedLoop(appOp, CONCURRENCY, 1);
    const app = await closedLoop(appOp, CONCURRENCY, SECONDS);
    await closedLoop(rawOp, CONCURRENCY, 1);
    const raw = await closedLoop(rawOp, CONCURRENCY, SECONDS);
    const [[check]] = (await db.pool.query(
      `SELECT (SELECT COUNT(*) FROM vouchers WHERE benefit_id = ?) AS vouchers, (SELECT stock_total - stock_left FROM benefits WHERE id = ?) AS taken,
              (SELECT -COALESCE(SUM(delta), 0) FROM points_entries WHERE reason = 'redemption' AND idem_key LIKE 'redeem:%') AS debited,
              (SELECT COUNT(*) FROM points_accounts WHERE balance < 0) AS negative`,
      [appBenefit, appBenefit],
    )) as unknown as [[{ vouchers: number; taken: number; debited: number; negative: number }]];
    const oversell = Number(check.vouchers) - Number(check.taken);
    const doubleSpend = Number(check.debited) - Number(check.vouchers) * COST;
    return {
      workload: `flash sale (c=${CONCURRENCY})`,
      app,
      raw,
      target: 0.6,
      extra: { oversell, doubleSpend, negativeBalances: Number(check.negative), vouchers: Number(check.vouchers) },
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchFlashSale().then(
    (row) => {
      printTable([row]);
      console.log(`results: ${writeResults('flash-sale', [row])}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
