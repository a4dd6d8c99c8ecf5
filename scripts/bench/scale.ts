import { createRequire } from 'node:module';
import path from 'node:path';
import { jsonClient, root, seedOperator, startBenchServer, type LoopResult, type Row } from './lib';
import { BENEFITS, DAY, N, TZ, scaleDatabase, seed, seeded, timed } from './scale-seed';

/**
 * `npm run bench -- scale`: operators' reads at scale. Seeds 1,000,000 members and
 * 5,000,000 ledger entries (with orders, growth, vouchers, check-ins and invites
 * over 90 days) set-based on MariaDB in a database of its own, then times the
 * dashboard from its rollups against the direct computation over the source
 * tables, the rollups job, the benefit list, the tier evaluation (the full pass,
 * and every member due), the birthday job and a full reconcile.
 * SCALE=0.1 seeds a tenth (a quick run); SCALE_KEEP=1 keeps the database;
 * SCALE_DB=<name> uses (and keeps) a named database, seeded only while empty;
 * SCALE_STEPS=rollups,dashboard,tiers,... runs only those steps.
 */

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
/** The median of `runs` timings of `f`, in seconds. */
async function median(runs: number, f: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push((await timed(f))[1]);
  return xs.sort((a, b) => a - b)[Math.floor(runs / 2)];
}
const STEPS = (process.env.SCALE_STEPS ?? 'direct,rollups,dashboard,benefits,tiers,birthday,reconcile').split(',');
const wants = (s: string) => STEPS.includes(s);

export async function benchScale(): Promise<Row[]> {
  const db = await scaleDatabase();
  const server = await startBenchServer(db.url, { BACKGROUND: 'off', BUSINESS_TZ: TZ });
  const { loadConfig } = load('core/config.js');
  const { createLogger } = load('core/logger.js');
  const { createDataSource, initDataSource } = load('db/data-source.js');
  const { compose } = load('compose.js');
  const { metricsDirect } = load('modules/insights/metrics-direct.js');
  const { checkInvariants } = load('modules/reconcile/invariants.js');
  const { tierEvaluationJob } = load('modules/tiers/jobs.js');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: db.url, BACKGROUND: 'off' });
  const ds = createDataSource(config);
  const table: Record<string, { ms: number; note: string }> = {};
  const rows: Row[] = [];
  const ms = (s: number) => Math.round(s * 1000);
  const note = (name: string, s: number, what: string, raw = s, extra?: Record<string, unknown>) => {
    table[name] = { ms: ms(s), note: what };
    rows.push({ workload: name, app: once(s), raw: once(raw), target: 0, extra });
  };
  try {
    const now = Date.now();
    if (!(await seeded(db.pool))) {
      const [steps, seedSeconds] = await timed(() => seed(db.pool, now));
      console.log(`seeded ${N} members, ${5 * N} ledger entries in ${seedSeconds.toFixed(1)} s`, steps);
      note('seed', seedSeconds, `${N} members, ${5 * N} entries, ${N} orders`);
    }
    // A kept database has the operator of its last run.
    await db.pool.query("DELETE FROM staff_accounts WHERE username = 'bench-op'");
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
      return JSON.parse(r.body) as { processed: number; detail?: Record<string, unknown> };
    };

    const today = ymd(now);
    const back = (d: number) => ymd(now - d * DAY);
    const month = `from=${back(29)}&to=${today}`;
    const closed = `from=${back(30)}&to=${back(1)}`;
    let directMonth = 0;
    if (wants('direct')) {
      directMonth = await median(3, () => metricsDirect(ctx, back(29), today, null));
      note('dashboard direct (30 days to today)', directMonth, 'source tables, before');
    }
    if (wants('rollups')) {
      // The first run fills every day from scratch (a kept database has them already).
      await db.pool.query('DELETE FROM insight_daily');
      await db.pool.query('DELETE FROM insight_hourly').catch(() => undefined);
      const [fill, fillSeconds] = await timed(() => job('rollups'));
      note('rollups job, first run', fillSeconds, `${fill.processed} days`);
      const [, rerunSeconds] = await timed(() => job('rollups'));
      note('rollups job, rerun by hand', rerunSeconds, 'today and 3 days');
      // What the scheduler does every 5 minutes once the day's first run is done: today so far.
      const slot = () =>
        ctx.jobs.run('rollups', 'scheduler', true, `:bench-${Date.now()}`) as Promise<{ processed: number }>;
      const [slotRun, slotSeconds] = await timed(slot);
      note('rollups job, a 5-minute slot', slotSeconds, `${slotRun.processed} day (today so far)`);
    }
    if (wants('dashboard')) {
      const t = await median(5, () => get(`/api/admin/metrics?${month}`));
      note('dashboard 30 days to today', t, 'rollups + today (goal < 200)', directMonth || t);
      note('dashboard 30 closed days', await median(5, () => get(`/api/admin/metrics?${closed}`)), 'rollups only');
      const [[{ s0 }]] = (await db.pool.query('SELECT MIN(id) AS s0 FROM stores')) as unknown as [{ s0: number }[]];
      const oneStore = await median(5, () => get(`/api/admin/metrics?${closed}&store=${s0}`));
      note('dashboard 30 closed days, 1 store', oneStore, 'rollups only');
      note('dashboard today', await median(5, () => get(`/api/admin/metrics?from=${today}&to=${today}`)), 'today');
      const direct = await metricsDirect(ctx, back(29), today, null);
      const rolled = await get(`/api/admin/metrics?${month}`);
      const figures = (m: { members: unknown; points: unknown; sales: unknown }) =>
        JSON.stringify([m.members, m.points, m.sales]);
      console.log(`direct: ${figures(direct)}\nrollups: ${figures(rolled)}`);
    }
    if (wants('benefits')) {
      const t = await median(5, () => get('/api/admin/benefits'));
      note('benefit list', t, `${BENEFITS} benefits, ${Math.round(N / 2)} vouchers`);
    }
    if (wants('tiers')) {
      const [full, fullSeconds] = await timed(() => job('tier_evaluation'));
      note(
        'tier evaluation, full pass',
        fullSeconds,
        `${full.processed} not evaluated today`,
        fullSeconds,
        full.detail,
      );
      // Every member due at once (the worst night): the scheduled pass over all of them.
      await db.pool.query('UPDATE member_tiers SET due_at = ?', [now - 1]);
      const run = () =>
        tierEvaluationJob(ctx).run({
          now: new Date(),
          date: today,
          resumeFrom: null,
          scheduled: true,
          checkpoint: async () => undefined,
          signal: new AbortController().signal,
          stillOwner: () => true,
        }) as Promise<{ processed: number; detail: Record<string, unknown> }>;
      const [due, dueSeconds] = await timed(run);
      note('tier evaluation, all due', dueSeconds, `${due.processed} due (goal < 300 s)`, dueSeconds, due.detail);
      console.log('tier evaluation, all due:', due);
    }
    if (wants('birthday')) {
      const [bday, bdaySeconds] = await timed(() => job('birthday'));
      note('birthday job', bdaySeconds, `${bday.processed} processed`);
    }
    if (wants('reconcile')) {
      const [violations, seconds] = await timed(() => checkInvariants(ctx.db) as Promise<unknown[]>);
      note('reconcile (full)', seconds, `${violations.length} violations shown`);
    }
    console.table(table);
    return rows;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await server.stop();
    if (db.kept) {
      await db.pool.end();
      console.log(`kept ${db.url}`);
    } else await db.drop();
  }
}
