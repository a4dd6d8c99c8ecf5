import { createConnection, createPool, type Pool } from 'mysql2/promise';
import { BASE_URL, freshDatabase, type BenchDb } from './lib';

/** The scale bench's data: sizes, the set-based seed, and its database. */
export const SCALE = Number(process.env.SCALE ?? 1);
export const N = Math.max(1000, Math.round(1_000_000 * SCALE));
export const DAYS = 90;
export const STORES = 20;
export const BENEFITS = 20;
export const DAY = 86_400_000;
/** Members the full tier pass finds not evaluated today (the others were evaluated today). */
export const DUE = Math.max(100, Math.round(10_000 * SCALE));
export const TZ = 'Asia/Shanghai';

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const out = await f();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}

/**
 * A fresh database of its own, or with SCALE_DB=<name> a named one that is kept
 * after the run and seeded only while empty (reruns skip the minutes of seeding).
 */
export async function scaleDatabase(): Promise<BenchDb & { kept: boolean }> {
  const name = process.env.SCALE_DB;
  if (!name) return { ...(await freshDatabase('scale', 8)), kept: process.env.SCALE_KEEP === '1' };
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error('SCALE_DB: letters, digits and _ only');
  const u = new URL(BASE_URL);
  const conn = { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username) };
  const admin = await createConnection({ ...conn, password: decodeURIComponent(u.password) });
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  u.pathname = `/${name}`;
  const pool = createPool({
    ...conn,
    password: decodeURIComponent(u.password),
    database: name,
    connectionLimit: 8,
    supportBigNumbers: true,
  });
  return { url: u.toString(), pool, drop: () => pool.end(), kept: true };
}

/** Whether the database already holds the seeded members (a kept SCALE_DB). */
export async function seeded(pool: Pool): Promise<boolean> {
  const [rows] = (await pool.query('SELECT COUNT(*) AS n FROM members')) as unknown as [{ n: number }[]];
  return Number(rows[0].n) >= N;
}

const BIG_TABLES = [
  'members',
  'points_entries',
  'member_tiers',
  'growth_entries',
  'orders',
  'vouchers',
  'checkins',
  'referrals',
];

/**
 * Drops the secondary indexes of `tables` and returns the step that builds them
 * again: one sorted build per index after the load instead of a random insert
 * into each per row (the bench's own database only).
 */
async function dropIndexes(pool: Pool, tables: string[]): Promise<() => Promise<void>> {
  const [rows] = (await pool.query(
    `SELECT table_name AS t, index_name AS i, MIN(non_unique) AS nu, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols
       FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name IN (?) AND index_name <> 'PRIMARY'
      GROUP BY table_name, index_name`,
    [tables],
  )) as unknown as [{ t: string; i: string; nu: number; cols: string }[]];
  const byTable = new Map<string, typeof rows>();
  for (const r of rows) byTable.set(r.t, [...(byTable.get(r.t) ?? []), r]);
  for (const [t, ix] of byTable) await pool.query(`ALTER TABLE ${t} ${ix.map((r) => `DROP INDEX ${r.i}`).join(', ')}`);
  return async () => {
    await Promise.all(
      [...byTable].map(([t, ix]) =>
        pool.query(
          `ALTER TABLE ${t} ${ix.map((r) => `ADD ${Number(r.nu) ? '' : 'UNIQUE '}INDEX ${r.i} (${r.cols})`).join(', ')}`,
        ),
      ),
    );
  };
}

/** Every row set-based: INSERT ... SELECT over a numbers CTE (MariaDB's sequence engine), no loop per row. */
export async function seed(pool: Pool, now: number): Promise<Record<string, number>> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  // The business date (UTC+8) of an epoch-ms `at`, whatever the connection's time zone.
  const bizDate = "DATE_FORMAT(DATE_ADD('1970-01-01', INTERVAL (at DIV 1000 + 28800) SECOND), '%Y-%m-%d')";
  const spread = `(? - ((seq * 7919) % ${DAYS * 86_400}) * 1000 - seq % 1000)`;
  const t: Record<string, number> = {};
  const step = async (name: string, sql: string, params: unknown[] = []) => {
    t[name] = (await timed(() => q(sql, params)))[1];
  };
  const rebuild = await dropIndexes(pool, BIG_TABLES);
  await step(
    'stores',
    `INSERT INTO stores (code, name, status, created_at) WITH n AS (SELECT seq FROM seq_1_to_${STORES})
     SELECT CONCAT('S', seq), CONCAT('门店', seq), 'active', ? FROM n`,
    [now],
  );
  const [[{ s0 }]] = (await q('SELECT MIN(id) AS s0 FROM stores')) as unknown as [{ s0: number }[]];
  const [cols] = (await q(
    "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'members'",
  )) as unknown as [{ c: string }[]];
  const md = cols.some((c) => c.c === 'birthday_md');
  const bday = "DATE_ADD('1990-01-01', INTERVAL (seq % 365) DAY)";
  await step(
    'members',
    `INSERT INTO members (openid, status, token_version, birthday${md ? ', birthday_md' : ''}, created_at, updated_at)
     WITH n AS (SELECT seq FROM seq_1_to_${N})
     SELECT CONCAT('scale-', seq), 'active', 0, DATE_FORMAT(${bday}, '%Y-%m-%d')${md ? `, DATE_FORMAT(${bday}, '%m-%d')` : ''},
            ${spread}, ? FROM n`,
    [now, now],
  );
  const [[{ m0 }]] = (await q('SELECT MIN(id) AS m0 FROM members')) as unknown as [{ m0: number }[]];
  const member = `(${m0} + (seq * 48271) % ${N})`;
  const store = `(${s0} + seq % ${STORES})`;
  // Two connections at once: the ledger and its balances, and everything else.
  const ledger = (async () => {
    // 60 % credits, 20 % debits, 10 % expiry, 10 % adjustments (half down); a fifth without a store.
    await step(
      'ledger',
      `INSERT INTO points_entries (member_id, delta, type, reason, idem_key, input_hash, balance_after, store_id, created_at)
     WITH n AS (SELECT seq FROM seq_1_to_${5 * N})
     SELECT ${m0} + (seq - 1) DIV 5,
            CASE WHEN seq % 10 < 6 THEN 1 + seq % 500 WHEN seq % 10 < 9 THEN -(1 + seq % 100)
                 WHEN seq % 20 = 9 THEN 1 + seq % 50 ELSE -(1 + seq % 50) END,
            CASE WHEN seq % 10 < 6 THEN 'credit' WHEN seq % 10 < 8 THEN 'debit' WHEN seq % 10 = 8 THEN 'expire' ELSE 'adjust' END,
            'bench', CONCAT('scale:', seq), 'x', 0, IF(seq % 5 = 0, NULL, ${store}), ${spread}
       FROM n`,
      [now],
    );
  })();
  const rest = (async () => {
    await step(
      'tiers',
      `INSERT INTO member_tiers (member_id, tier_code, since_at, evaluated_at, updated_at)
     SELECT id, CASE WHEN id % 50 = 0 THEN 'gold' WHEN id % 10 = 0 THEN 'silver' ELSE 'normal' END, ?,
            IF(id % ${Math.floor(N / DUE)} = 0, NULL, ?), ? FROM members`,
      [now, now, now],
    );
    await step(
      'orders',
      `INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, points, refunded_cents, input_hash, business_date, created_at, updated_at)
     WITH n AS (SELECT seq, ${spread} AS at FROM seq_1_to_${N})
     SELECT ${store}, CONCAT('O', seq), ${member}, 1, 100 + (seq * 37) % 50000, (100 + (seq * 37) % 50000) DIV 100,
            IF(seq % 10 = 0, (100 + (seq * 37) % 50000) DIV 2, 0), 'x', ${bizDate}, at, at
       FROM n`,
      [now],
    );
    // Growth: each order's yuan, and a bonus that mostly keeps the seeded tier (about 1 % of members move).
    await step(
      'growth',
      `INSERT INTO growth_entries (member_id, delta, source, idem_key, store_id, created_at)
     SELECT member_id, amount_cents DIV 100, 'purchase', CONCAT('p:', order_no), store_id, created_at FROM orders`,
    );
    await step(
      'growth bonus',
      `INSERT INTO growth_entries (member_id, delta, source, idem_key, created_at)
     SELECT id, CASE WHEN id % 50 = 0 THEN 7000 ELSE 4000 END, 'bench', CONCAT('b:', id), ? - (id % 60) * ${DAY}
       FROM members WHERE id % 50 = 0 OR (id % 10 = 0 AND id % 130 <> 0) OR id % 97 = 0`,
      [now],
    );
    await step(
      'benefits',
      `INSERT INTO benefits (title, description, kind, cost_points, stock_total, stock_left, per_member_limit, valid_days, status, created_at, updated_at)
     WITH n AS (SELECT seq FROM seq_1_to_${BENEFITS}) SELECT CONCAT('券', seq), '', 'voucher', 100, 10000000, 10000000, 0, 30, 'active', ?, ? FROM n`,
      [now, now],
    );
    const [[{ b0 }]] = (await q('SELECT MIN(id) AS b0 FROM benefits')) as unknown as [{ b0: number }[]];
    await step(
      'vouchers',
      `INSERT INTO vouchers (code, benefit_id, member_id, status, cost_points, request_key, input_hash, valid_until, redeemed_at, redeemed_store_id, created_at)
     WITH n AS (SELECT seq, ${spread} AS at FROM seq_1_to_${Math.round(N / 2)})
     SELECT CONCAT('V', seq), ${b0} + seq % ${BENEFITS}, ${member}, IF(seq % 3 = 0, 'used', 'unused'), 100, CONCAT('r', seq), 'x',
            at + ${30 * DAY}, IF(seq % 3 = 0, LEAST(?, at + (seq % 86400) * 1000), NULL), IF(seq % 3 = 0, ${store}, NULL), at
       FROM n`,
      [now, now],
    );
    await q(
      `UPDATE benefits b JOIN (SELECT benefit_id, COUNT(*) AS n FROM vouchers GROUP BY benefit_id) v ON v.benefit_id = b.id
        SET b.stock_left = b.stock_total - v.n`,
    );
    await step(
      'checkins',
      `INSERT INTO checkins (member_id, business_date, kind, created_at)
     WITH n AS (SELECT seq, ${spread} AS at FROM seq_1_to_${N})
     SELECT ${m0} + seq - 1, ${bizDate}, 'daily', at FROM n`,
      [now],
    );
    await step(
      'referrals',
      `INSERT INTO referrals (invitee_id, inviter_id, status, first_purchase_at, created_at)
     WITH n AS (SELECT seq, ${spread} AS at FROM seq_1_to_${Math.round(N / 10)})
     SELECT ${m0} + seq - 1, ${member}, 'bound', IF(seq % 2 = 0, LEAST(?, at + ${DAY}), NULL), at FROM n`,
      [now, now],
    );
  })();
  await Promise.all([ledger, rest]);
  t.indexes = (await timed(() => rebuild()))[1];
  // A member's entries are consecutive ids: the balances are one pass over the clustered order.
  await step(
    'accounts',
    `INSERT INTO points_accounts (member_id, balance, updated_at)
     SELECT member_id, SUM(delta), ? FROM points_entries GROUP BY member_id`,
    [now],
  );
  return t;
}
