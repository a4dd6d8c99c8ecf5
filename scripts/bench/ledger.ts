import { randomUUID, createHash } from 'node:crypto';
import {
  closedLoop,
  freshDatabase,
  jsonClient,
  printTable,
  seedMembers,
  seedOperator,
  startBenchServer,
  writeResults,
  type Row,
  rawTx,
} from './lib';

/**
 * Ledger credit: operator adjustments through the HTTP API (auth, validation,
 * replay check, balance, entry, lot, audit) against raw mysql2 doing the same
 * writes in one transaction per credit, on the same database, in the same run.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const MEMBERS = 2000;

export async function benchLedger(): Promise<Row> {
  const db = await freshDatabase('ledger', CONCURRENCY);
  const server = await startBenchServer(db.url, { DB_POOL_SIZE: String(CONCURRENCY) });
  try {
    const members = await seedMembers(db.pool, MEMBERS);
    const token = await seedOperator(server.url, db.pool);
    const call = jsonClient(server.url, CONCURRENCY);
    const pick = (i: number) => members[(i * 7919) % members.length];

    // Warm up both paths (JIT, connection pools, buffer pool) before measuring.
    const appOp = async (_w: number, i: number) => {
      const res = await call(
        'POST',
        '/api/admin/points/adjustments',
        { memberId: String(pick(i)), delta: 10, reason: 'bench', idempotencyKey: randomUUID() },
        { authorization: `Bearer ${token}` },
      );
      return res.status === 200;
    };
    const rawOp = async (_w: number, i: number) => {
      const memberId = pick(i);
      const key = `raw:${randomUUID()}`;
      const now = Date.now();
      return rawTx(db.pool, async (conn) => {
        await conn.query('SELECT id FROM members WHERE id = ?', [memberId]);
        await conn.query('SELECT id FROM points_entries WHERE idem_key = ?', [key]);
        await conn.query('UPDATE points_accounts SET balance = balance + ?, updated_at = ? WHERE member_id = ?', [
          10,
          now,
          memberId,
        ]);
        const [[acc]] = (await conn.query('SELECT balance FROM points_accounts WHERE member_id = ?', [
          memberId,
        ])) as unknown as [[{ balance: number }]];
        const hash = createHash('sha256').update(key).digest('hex');
        const [ins] = await conn.query(
          `INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at)
           VALUES (?, 10, 'adjust', 'manual_credit', NULL, ?, ?, ?, 1, NULL, 'bench', ?)`,
          [memberId, key, hash, acc.balance, now],
        );
        const entryId = (ins as { insertId: number }).insertId;
        await conn.query(
          'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) VALUES (?, ?, 10, 10, ?, ?)',
          [memberId, entryId, now + 3e10, now],
        );
        await conn.query(
          "INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, before_json, after_json, reason, request_id, created_at) VALUES ('operator', 1, 'points.adjust', 'member', ?, ?, ?, 'bench', ?, ?)",
          [String(memberId), '{}', '{}', randomUUID(), now],
        );
      });
    };
    await closedLoop(appOp, CONCURRENCY, 1.5);
    await closedLoop(rawOp, CONCURRENCY, 1.5);
    const app = await closedLoop(appOp, CONCURRENCY, SECONDS);
    const raw = await closedLoop(rawOp, CONCURRENCY, SECONDS);
    return { workload: `ledger credit (c=${CONCURRENCY})`, app, raw, target: 0.5 };
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (require.main === module) {
  benchLedger().then(
    (row) => {
      printTable([row]);
      console.log(`results: ${writeResults('ledger', [row])}`);
      process.exit(row.app.perSecond / row.raw.perSecond >= row.target ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
