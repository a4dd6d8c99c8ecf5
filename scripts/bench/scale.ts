import { createRequire } from 'node:module';
import path from 'node:path';
import type { Pool } from 'mysql2/promise';
import { freshDatabase, jsonClient, root, seedOperator, startBenchServer, type LoopResult, type Row } from './lib';

/**
 * `npm run bench -- scale`: operators' reads at scale. Seeds 1,000,000 members and
 * 5,000,000 ledger entries (with orders, vouchers, check-ins and invites over 90
 * days) set-based on MariaDB in a database of its own, then times the dashboard
 * from its rollups against the direct computation over the source tables, the
 * benefit list, the tier evaluation job, the birthday job and a full reconcile.
 * SCALE=0.1 seeds a tenth (a quick run); SCALE_KEEP=1 keeps the database.
 */
const SCALE = Number(process.env.SCALE ?? 1);
const N = Math.max(1000, Math.round(1_000_000 * SCALE));
const DAYS = 90;
const STORES = 20;
const BENEFITS = 20;
const DAY = 86_400_000;
/** Members the tier job finds due (the others were evaluated today). */
const DUE = Math.max(100, Math.round(10_000 * SCALE));
const TZ = 'Asia/Shanghai';

// The compiled server, in this process: the direct computation and reconcile are timed without HTTP.
const load = (p: string) => createRequire(__filename)(path.join(root, 'server/dist', p));
const ymd = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(ms));
const once = (seconds: number, ops = 1): LoopResult => ({
  ops,
  errors: 0,
  seconds,
  perSecond: ops / seconds,
  p50: (seconds * 1000) / ops,
  p99: (seconds * 1000) / ops,
});
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const out = await f();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}
/** The median of `runs` timings of `f`, in seconds. */
async function median(runs: number, f: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push((await timed(f))[1]);
  return xs.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const BIG_TABLES = ['members', 'points_entries', 'member_tiers', 'orders', 'vouchers', 'checkins', 'referrals'];

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
async function seed(pool: Pool, now: number): Promise<Record<string, number>> {
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

export async function benchScale(): Promise<Row[]> {
  const db = await freshDatabase('scale', 8);
  const server = await startBenchServer(db.url, { BACKGROUND: 'off', BUSINESS_TZ: TZ });
  const { loadConfig } = load('core/config.js');
  const { createLogger } = load('core/logger.js');
  const { createDataSource, initDataSource } = load('db/data-source.js');
  const { compose } = load('compose.js');
  const { metricsDirect } = load('modules/insights/metrics-direct.js');
  const { checkInvariants } = load('modules/reconcile/invariants.js');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: db.url, BACKGROUND: 'off' });
  const ds = createDataSource(config);
  try {
    const now = Date.now();
    const [steps, seedSeconds] = await timed(() => seed(db.pool, now));
    console.log(`seeded ${N} members, ${5 * N} ledger entries in ${seedSeconds.toFixed(1)} s`, steps);
    await initDataSource(ds, { migrate: false });
    const ctx = compose(config, ds, createLogger('error'));
    const token = await seedOperator(server.url, db.pool);
    const call = jsonClient(server.url, 2);
    const auth = { authorization: `Bearer ${token}` };
    const get = async (p: string) => {
      const r = await call('GET', p, undefined, auth);
      if (r.status !== 200) throw new Error(`${p}: ${r.status} ${r.body.slice(0, 200)}`);
      return JSON.parse(r.body);
    };
    const job = async (name: string) => {
      const r = await call('POST', `/api/admin/jobs/${name}/run`, undefined, auth);
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${r.body.slice(0, 200)}`);
      return JSON.parse(r.body) as { processed: number };
    };

    const today = ymd(now);
    const back = (d: number) => ymd(now - d * DAY);
    const month = `from=${back(29)}&to=${today}`;
    const closed = `from=${back(30)}&to=${back(1)}`;
    const results: Record<string, number> = {};
    results.directMonth = await median(3, () => metricsDirect(ctx, back(29), today, null));
    const [fill, fillSeconds] = await timed(() => job('rollups'));
    const [, rerunSeconds] = await timed(() => job('rollups'));
    results.dashboardMonth = await median(5, () => get(`/api/admin/metrics?${month}`));
    results.dashboardClosed = await median(5, () => get(`/api/admin/metrics?${closed}`));
    const [[{ s0 }]] = (await db.pool.query('SELECT MIN(id) AS s0 FROM stores')) as unknown as [{ s0: number }[]];
    results.dashboardStore = await median(5, () => get(`/api/admin/metrics?${closed}&store=${s0}`));
    results.dashboardToday = await median(5, () => get(`/api/admin/metrics?from=${today}&to=${today}`));
    const direct = await metricsDirect(ctx, back(29), today, null);
    const rolled = await get(`/api/admin/metrics?${month}`);
    results.benefits = await median(5, () => get('/api/admin/benefits'));
    const [tiers, tierSeconds] = await timed(() => job('tier_evaluation'));
    const [bday, bdaySeconds] = await timed(() => job('birthday'));
    const [violations, reconcileSeconds] = await timed(() => checkInvariants(ctx.db) as Promise<unknown[]>);
    const ms = (s: number) => Math.round(s * 1000);
    console.table({
      seed: { ms: ms(seedSeconds), note: `${N} members, ${5 * N} entries, ${N} orders` },
      'dashboard direct (30 days to today)': { ms: ms(results.directMonth), note: 'source tables, before' },
      'rollups job, first run': { ms: ms(fillSeconds), note: `${fill.processed} days` },
      'rollups job, rerun': { ms: ms(rerunSeconds), note: 'today and 3 days' },
      'dashboard 30 days to today': { ms: ms(results.dashboardMonth), note: 'rollups + today live (goal < 200)' },
      'dashboard 30 closed days': { ms: ms(results.dashboardClosed), note: 'rollups only' },
      'dashboard 30 closed days, 1 store': { ms: ms(results.dashboardStore), note: 'rollups only' },
      'dashboard today': { ms: ms(results.dashboardToday), note: 'computed at read time' },
      'benefit list': { ms: ms(results.benefits), note: `${BENEFITS} benefits, ${Math.round(N / 2)} vouchers` },
      'tier evaluation (current job)': { ms: ms(tierSeconds), note: `${tiers.processed} due of ${N}` },
      birthday: { ms: ms(bdaySeconds), note: `${bday.processed} processed` },
      'reconcile (full)': { ms: ms(reconcileSeconds), note: `${violations.length} violations shown` },
    });
    const figures = (m: { members: unknown; points: unknown; sales: unknown }) =>
      JSON.stringify([m.members, m.points, m.sales]);
    console.log(`direct: ${figures(direct)}\nrollups: ${figures(rolled)}`);
    const row = (workload: string, app: number, raw = app, extra?: Record<string, unknown>): Row => ({
      workload,
      app: once(app),
      raw: once(raw),
      target: 0,
      extra,
    });
    return [
      row(`dashboard 30d (${N / 1e6}M)`, results.dashboardMonth, results.directMonth, { vs: 'direct computation' }),
      row('dashboard 30 closed days', results.dashboardClosed, results.directMonth),
      row('benefit list', results.benefits),
      row('tier evaluation (current)', tierSeconds, tierSeconds, { due: tiers.processed }),
      row('birthday job', bdaySeconds),
      row('reconcile (full)', reconcileSeconds),
      row('rollups first run', fillSeconds, fillSeconds, { days: fill.processed, seedSeconds }),
    ];
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await server.stop();
    // SCALE_KEEP=1 keeps the seeded database for a look afterwards.
    if (process.env.SCALE_KEEP === '1') {
      await db.pool.end();
      console.log(`kept ${db.url}`);
    } else await db.drop();
  }
}
