import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DEFAULT_NOTIFICATION_SETTINGS } from '@huiyuan/shared';
import { startFakeWechat } from '../fake-wechat/server';
import { freshDatabase, printTable, root, writeResults, type LoopResult, type Row } from './lib';

/**
 * Outbox on several instances: ROWS due rows (one subscribed member each, so
 * every row is a WeChat send) drained by WORKERS processes, each composing the
 * built server on the same MariaDB database and draining as the server does
 * (claims of 50, lease on database time, fenced finish), all sending to one fake
 * WeChat that counts sends per message. Reports rows/s, duplicate sends (must be
 * 0) and each worker's share: claims that blocked each other would leave one
 * worker with almost everything.
 */
const ROWS = Number(process.env.BENCH_OUTBOX_ROWS ?? 200_000);
const WORKERS = Number(process.env.BENCH_OUTBOX_WORKERS ?? 3);

interface Share {
  claimed: number;
  sent: number;
  lost: number;
  seconds: number;
}

const result = (ops: number, seconds: number): LoopResult => ({
  ops,
  errors: 0,
  seconds,
  perSecond: ops / seconds,
  p50: 0,
  p99: 0,
});

/** A worker process: the server's composition without HTTP, draining until the outbox is empty. */
async function worker(mode: 'migrate' | 'drain'): Promise<void> {
  // The built server, loaded at run time: scripts compile on their own and do not import server sources.
  const load = createRequire(__filename);
  const dist = path.join(root, 'server/dist');
  const { loadConfig } = load(path.join(dist, 'core/config.js'));
  const { createLogger } = load(path.join(dist, 'core/logger.js'));
  const { createDataSource, initDataSource } = load(path.join(dist, 'db/data-source.js'));
  const { compose } = load(path.join(dist, 'compose.js'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: process.env.BENCH_OUTBOX_DB,
    WECHAT_API_BASE: process.env.BENCH_OUTBOX_WECHAT,
    DB_POOL_SIZE: '8',
    BACKGROUND: 'off',
  });
  const ds = createDataSource(config);
  await initDataSource(ds, { migrate: mode === 'migrate' });
  if (mode === 'migrate') {
    await ds.destroy();
    return;
  }
  const ctx = compose(config, ds, createLogger('error'));
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const total: Share = { claimed: 0, sent: 0, lost: 0, seconds: 0 };
  const t0 = Date.now();
  for (let idle = 0; idle < 3;) {
    const r = await ctx.outbox.drain(5_000, 50);
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.lost += r.lost;
    if (r.claimed === 0) {
      idle++;
      await new Promise((res) => setTimeout(res, 100));
    } else idle = 0;
  }
  total.seconds = (Date.now() - t0 - 300) / 1000;
  await ds.destroy();
  await new Promise<void>((resolve) => process.send!(total, () => resolve()));
}

function child(mode: 'migrate' | 'drain', env: Record<string, string>) {
  return fork(__filename, [`--${mode}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export async function benchOutbox(): Promise<Row> {
  const db = await freshDatabase('outbox', 4);
  const fake = await startFakeWechat({ port: 0 });
  const env = { BENCH_OUTBOX_DB: db.url, BENCH_OUTBOX_WECHAT: fake.url };
  try {
    await new Promise<void>((resolve, reject) =>
      child('migrate', env).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate: ${code}`)))),
    );
    const now = Date.now();
    // Sends at any hour: quiet hours off (the bench may run at night in the business timezone).
    await db.pool.query('INSERT INTO app_config (config_key, value_json, updated_at) VALUES (?, ?, ?)', [
      'notifications',
      JSON.stringify({ ...DEFAULT_NOTIFICATION_SETTINGS, quietHours: { start: 0, end: 0 } }),
      now,
    ]);
    await db.pool.query(
      `INSERT INTO members (openid, status, token_version, created_at, updated_at)
        SELECT CONCAT('obench', seq), 'active', 0, ?, ? FROM seq_1_to_${ROWS}`,
      [now, now],
    );
    await db.pool.query(
      "INSERT INTO subscription_allowances (member_id, template_key, allowance, banned, updated_at) SELECT id, 'tier_changed', 1, 0, ? FROM members",
      [now],
    );
    const payload = JSON.stringify({ from: 'normal', to: 'silver', fromName: '普卡', toName: '银卡', direction: 'up' });
    await db.pool.query(
      `INSERT INTO outbox (dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, created_at)
        SELECT CONCAT('bench-tier:', id), 'tier_changed', id, ?, 'pending', 0, ?, ? FROM members`,
      [payload, now, now],
    );
    const workers = Array.from({ length: WORKERS }, () => child('drain', env));
    const shares = workers.map(
      (w) =>
        new Promise<Share>((resolve, reject) => {
          w.once('message', (m) => resolve(m as Share));
          w.once('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
        }),
    );
    // Every worker composed and connected before the clock starts.
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    for (const w of workers) w.send('go');
    const done = await Promise.all(shares);
    const seconds = (Date.now() - t0) / 1000;
    const [[left]] = (await db.pool.query("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'")) as unknown as [
      { n: number }[],
    ];
    const sent = done.reduce((n, s) => n + s.sent, 0);
    const extra = {
      rows: ROWS,
      workers: WORKERS,
      sent,
      wechatSends: fake.sent.length,
      duplicates: fake.duplicates(),
      notSent: Number(left.n),
      lost: done.reduce((n, s) => n + s.lost, 0),
      shares: done.map((s) => `${((100 * s.claimed) / Math.max(1, ROWS)).toFixed(1)}%`),
      rowsPerSecondPerWorker: done.map((s) => Math.round(s.sent / s.seconds)),
    };
    console.log(`outbox: ${JSON.stringify(extra)}`);
    return {
      workload: `outbox ${WORKERS} workers (${ROWS / 1000}k rows)`,
      app: result(sent, seconds),
      raw: result(sent, seconds),
      target: 0,
      extra,
    };
  } finally {
    await fake.close();
    await db.drop();
  }
}

if (require.main === module) {
  const mode = process.argv.includes('--migrate') ? 'migrate' : process.argv.includes('--drain') ? 'drain' : null;
  const run: Promise<unknown> = mode
    ? worker(mode)
    : benchOutbox().then((row) => {
        printTable([row]);
        console.log(`results: ${writeResults('outbox', [row])}`);
      });
  run.then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
