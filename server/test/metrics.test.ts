import { Writable } from 'node:stream';
import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { freshMysql } from './db';
import { listenMetrics, type MetricsListener } from '../src/http/metrics-listener';
import { createMetrics } from '../src/core/metrics';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource } from '../src/db/data-source';
import { Database, RetryTransaction } from '../src/db/database';
import { startServer } from '../src/server';

let t: TestServer;
let listener: MetricsListener;
beforeAll(async () => {
  t = await startTestServer();
  listener = await listenMetrics(t.ctx.metrics, '127.0.0.1', 0, t.ctx.logger);
});
afterAll(async () => {
  await listener.close();
  await t.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, one sample a line. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}
const scrape = async (url = listener.url) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parse(await res.text());
};
/** The sum of the samples named `name` whose labels include `labels` (undefined when there is none). */
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hits.length ? hits.reduce((n, s) => n + s.value, 0) : undefined;
};
const HTTP_COUNT = 'huiyuan_http_request_duration_seconds_count';
const SEND = '/cgi-bin/message/subscribe/send';

test('a checkout, the outbox and a job run show up in the scrape', async () => {
  const m = await t.login('metrics-member');
  expect((await t.http('POST', '/api/auth/login', { body: { code: 'invalid-code' } })).status).toBe(400);
  const sub = { results: [{ templateId: 'TPL_TIER_CHANGED', result: 'accept' }] };
  expect((await t.http('POST', '/api/me/subscriptions', { token: m.token, body: sub })).status).toBe(200);
  const staff = await t.staffToken('staff');
  expect((await checkout(t, staff.token, m.memberId, 300_000)).body.tierChanged).toMatchObject({ to: 'silver' });

  // The backlog as the database has it, read when scraped.
  t.clock.advance(45_000);
  const due = "FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?";
  const now = t.clock.now().getTime();
  const dueRows = await count(t, `SELECT COUNT(*) AS n ${due}`, [now]);
  const oldest = await count(t, `SELECT MIN(next_attempt_at) AS n ${due}`, [now]);
  expect(dueRows).toBeGreaterThanOrEqual(1);
  const first = await scrape();
  expect(value(first, 'huiyuan_outbox_due_rows')).toBe(dueRows);
  expect(value(first, 'huiyuan_outbox_oldest_due_age_seconds')).toBe((now - oldest) / 1000);

  // The first send is dropped on the wire (retried later), the second goes through.
  t.fake.failNext(SEND, 'drop', 1);
  const r1 = await t.ctx.outbox.drain();
  expect(r1.retried).toBe(1);
  t.clock.advance(3_600_000);
  const r2 = await t.ctx.outbox.drain();
  expect(r2.sent).toBe(1);

  const op = await t.staffToken('operator');
  const run = await t.http('POST', '/api/admin/jobs/birthday/run', { token: op.token });
  expect(run.body.status).toBe('done');

  const s = await scrape();
  // WeChat: every call by API and errcode, transport failures as `network`.
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'jscode2session', errcode: '0' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'jscode2session', errcode: '40029' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'stable_token', errcode: '0' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'subscribe_send', errcode: 'network' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'subscribe_send', errcode: '0' })).toBe(1);
  // Outbox rows by outcome and kind.
  expect(value(s, 'huiyuan_outbox_rows_total', { outcome: 'retried', kind: 'tier_changed' })).toBe(1);
  expect(value(s, 'huiyuan_outbox_rows_total', { outcome: 'sent', kind: 'tier_changed' })).toBe(1);
  // The job: one successful run at the server's time, no lease left held.
  expect(value(s, 'huiyuan_job_runs_total', { job: 'birthday', outcome: 'done' })).toBe(1);
  expect(value(s, 'huiyuan_job_runs_total', { job: 'birthday', outcome: 'failed' })).toBeUndefined();
  expect(value(s, 'huiyuan_job_last_success_timestamp_seconds', { job: 'birthday' })).toBe(
    t.clock.now().getTime() / 1000,
  );
  expect(value(s, 'huiyuan_job_last_duration_seconds', { job: 'birthday' })).toBeGreaterThanOrEqual(0);
  expect(value(s, 'huiyuan_job_last_success_timestamp_seconds', { job: 'points_expiry' })).toBeUndefined();
  expect(value(s, 'huiyuan_leases_held', { kind: 'birthday' })).toBe(0);
  expect(value(s, 'huiyuan_leases_held', { kind: 'outbox' })).toBe(0);
  expect(value(s, HTTP_COUNT, { method: 'POST', route: '/api/admin/jobs/:name/run', status: '200' })).toBe(1);
  expect(value(s, HTTP_COUNT, { method: 'POST', route: '/api/staff/checkout', status_class: '2xx' })).toBe(1);
});

test('mini-program API calls are counted by API and errcode', async () => {
  const code = { scene: 'r=metrics', page: 'pages/index/index', envVersion: 'release' as const, width: 280 };
  expect((await t.ctx.wxa.unlimitedCode(code)).length).toBeGreaterThan(0);
  t.fake.failNext('/wxa/getwxacodeunlimit', 45009, 1);
  await expect(t.ctx.wxa.unlimitedCode(code)).rejects.toMatchObject({ code: 'WECHAT_QUOTA_EXCEEDED' });
  t.fake.failNext('/wxa/business/getuserphonenumber', 'drop', 1);
  await expect(t.ctx.wxa.phoneNumber('any-code', 'any-openid')).rejects.toMatchObject({ code: 'WECHAT_UNAVAILABLE' });
  const s = await scrape();
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'getwxacodeunlimit', errcode: '0' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'getwxacodeunlimit', errcode: '45009' })).toBe(1);
  expect(value(s, 'huiyuan_wechat_calls_total', { api: 'getuserphonenumber', errcode: 'network' })).toBe(1);
});

test('requests are counted by route template and status; unknown URLs share one label', async () => {
  const before = await scrape();
  const key = { method: 'GET', route: '/healthz', status_class: '2xx', status: '200' };
  const unmatched = { method: 'GET', route: 'unmatched', status_class: '4xx', status: '404' };
  const invalid = { method: 'POST', route: '/api/auth/login', status: '400' };
  expect((await t.http('GET', '/healthz')).status).toBe(200);
  expect((await t.http('GET', '/api/no-such-thing-1a2b')).status).toBe(404);
  expect((await t.http('POST', '/api/auth/login', { body: {} })).status).toBe(400);
  const after = await scrape();
  const rose = (labels: Record<string, string>) =>
    (value(after, HTTP_COUNT, labels) ?? 0) - (value(before, HTTP_COUNT, labels) ?? 0);
  expect(rose(key)).toBe(1);
  expect(rose(unmatched)).toBe(1);
  expect(rose(invalid)).toBe(1);
  expect(rose({})).toBe(3);
  // A parameterised route is labelled by its template.
  const m = await t.login('metrics-route');
  expect((await t.http('POST', '/api/me/vouchers/999999/cancel', { token: m.token })).status).toBeGreaterThanOrEqual(
    400,
  );
  const routes = (s: Sample[]) => new Set(s.filter((x) => x.name === HTTP_COUNT).map((x) => x.labels.route));
  const known = routes(await scrape());
  expect(known.has('/api/me/vouchers/:id/cancel')).toBe(true);
  expect([...known].some((r) => r.includes('999999') || r.includes('1a2b'))).toBe(false);

  // More unknown URLs (and an unknown method): no new label value, no new series.
  const series = (s: Sample[]) => s.filter((x) => x.name === HTTP_COUNT).length;
  const mid = await scrape();
  for (const path of ['/x/1', '/api/members/42/anything', '/api/me/vouchers/7/uncancel', '/.env'])
    expect((await t.http('GET', path)).status).toBe(404);
  const last = await scrape();
  expect(routes(last)).toEqual(routes(mid));
  expect(series(last)).toBe(series(mid));
  expect((value(last, HTTP_COUNT, unmatched) ?? 0) - (value(mid, HTTP_COUNT, unmatched) ?? 0)).toBe(4);
});

test('database: retries by cause, pool gauges, refusals for want of a connection', async () => {
  let attempts = 0;
  await t.ctx.db.tx(async (q) => {
    await q.one('SELECT 1 AS one');
    if (++attempts === 1) throw new RetryTransaction('test race');
  });
  expect(attempts).toBe(2);
  const s = await scrape();
  expect(value(s, 'huiyuan_db_tx_retries_total', { code: 'race' })).toBe(1);
  for (const g of ['huiyuan_db_connections_in_use', 'huiyuan_db_connections_idle', 'huiyuan_db_units_waiting'])
    expect(value(s, g)).toBeGreaterThanOrEqual(0);

  // A unit of work holding its connection is in use; on SQLite a second one waits for its turn.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const held = t.ctx.db.tx(async (q) => {
    await q.one('SELECT 1 AS one');
    entered();
    await gate;
  });
  await inside;
  const second = t.ctx.db.tx((q) => q.one('SELECT 1 AS one'));
  const stats = t.ctx.db.poolStats();
  expect(stats.inUse).toBeGreaterThanOrEqual(1);
  if (t.dialect === 'sqlite') expect(stats).toEqual({ inUse: 1, idle: 0, waiting: 1 });
  release();
  await Promise.all([held, second]);
  expect(t.ctx.db.poolStats()).toMatchObject({ inUse: 0, waiting: 0 });
  if (t.dialect === 'sqlite') expect(t.ctx.db.poolStats().idle).toBe(1);
  else expect(t.ctx.db.poolStats().idle).toBeGreaterThanOrEqual(1);
});

test('MySQL: a unit of work refused a connection is counted as an overload', async () => {
  if (t.dialect !== 'mysql' || t.ctx.config.db.kind !== 'mysql') return; // SQLite has no pool to run out of
  const ds = createDataSource(loadConfig({ NODE_ENV: 'test', DATABASE_URL: t.ctx.config.db.url, DB_POOL_SIZE: '1' }));
  await ds.initialize(); // the schema is there already (migrating would want a second connection)
  const metrics = createMetrics();
  const db = new Database(ds, { maxAttempts: 3, acquireTimeoutMs: 50, metrics });
  metrics.watchPool(() => db.poolStats());
  try {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const held = db.tx(async () => {
      entered();
      await gate;
    });
    await inside;
    await expect(db.read((q) => q.one('SELECT 1 AS one'))).rejects.toMatchObject({ code: 'OVERLOADED' });
    const s = parse((await metrics.scrape()).body);
    expect(value(s, 'huiyuan_db_overloaded_total')).toBe(1);
    expect(value(s, 'huiyuan_db_connections_in_use')).toBe(1);
    expect(value(s, 'huiyuan_db_units_waiting')).toBe(0);
    release();
    await held;
  } finally {
    await ds.destroy();
  }
});

test('the outbox figures are cached: a scrape storm costs one query', async () => {
  const metrics = createMetrics({ outboxCacheMs: 60_000 });
  let queries = 0;
  metrics.watchOutbox(async () => {
    queries++;
    return { due: 7, oldestDueAgeSeconds: 12.5 };
  });
  const all = await Promise.all(Array.from({ length: 5 }, () => metrics.scrape()));
  const again = parse((await metrics.scrape()).body);
  expect(queries).toBe(1);
  for (const s of [...all.map((x) => parse(x.body)), again]) {
    expect(value(s, 'huiyuan_outbox_due_rows')).toBe(7);
    expect(value(s, 'huiyuan_outbox_oldest_due_age_seconds')).toBe(12.5);
  }
  // A failing query leaves the scrape (and the last figures) standing.
  const failing = createMetrics({ outboxCacheMs: 0 });
  failing.watchOutbox(async () => Promise.reject(new Error('database down')));
  expect(value(parse((await failing.scrape()).body), 'huiyuan_outbox_due_rows')).toBe(0);
});

test('METRICS_PORT: the server scrapes on its own port (never the API port) and closes it on shutdown', async () => {
  expect(() => loadConfig({ PORT: '4000', METRICS_PORT: '4000' })).toThrow(/METRICS_PORT/);
  expect(loadConfig({}).metricsPort).toBeNull();
  const mysql = process.env.DATABASE_URL ? await freshMysql(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    METRICS_PORT: '0',
    BACKGROUND: 'off',
    WECHAT_API_BASE: t.fake.url,
    ...(mysql ? { DATABASE_URL: mysql.url, MIGRATE_ON_START: '1' } : { SQLITE_PATH: ':memory:' }),
  });
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const running = await startServer(config, createLogger('silent', silent));
  try {
    expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(running.metricsUrl).not.toContain(`:${new URL(running.url).port}/`);
    expect((await fetch(`${running.url}/livez`)).status).toBe(200);
    expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    const s = await scrape(running.metricsUrl!);
    expect(value(s, HTTP_COUNT, { method: 'GET', route: '/livez', status: '200' })).toBe(1);
    expect(value(s, HTTP_COUNT, { route: 'unmatched', status: '404' })).toBe(1);
    // Node process metrics, with the prefix.
    expect(value(s, 'huiyuan_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(s, 'huiyuan_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect((await fetch(running.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
  } finally {
    await running.close();
    await mysql?.drop();
  }
  await expect(fetch(running.metricsUrl!)).rejects.toThrow();
});
