import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createConnection, createPool, type Pool } from 'mysql2/promise';
import bcrypt from 'bcryptjs';
import { startFakeWechat, type FakeWechat } from '../fake-wechat/server';
import { leanHttpClient } from './http-client';

/**
 * Shared benchmark plumbing: a fresh MariaDB database per run, the BFF in a child
 * process (so the load generator and the server do not share an event loop),
 * closed-loop and open-loop drivers, and the result table.
 */
export const root = path.resolve(__dirname, '../../..');
export const BASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface BenchDb {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export async function freshDatabase(label: string, connections: number): Promise<BenchDb> {
  const u = new URL(BASE_URL);
  const name = `hybench_${label}_${process.pid}`;
  const conn = {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
  const admin = await createConnection(conn);
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  u.pathname = `/${name}`;
  const pool = createPool({ ...conn, database: name, connectionLimit: connections, supportBigNumbers: true });
  return {
    url: u.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = await createConnection(conn);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

export interface BenchServer {
  url: string;
  fake: FakeWechat;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Production refuses guessable secrets and the development WeChat app: random
 * ones, the same for every server of this run (they must accept each other's tokens).
 */
const BENCH_SECRETS = {
  TOKEN_SECRET: randomBytes(32).toString('hex'),
  PHONE_ENC_KEY: randomBytes(32).toString('hex'),
  PHONE_HMAC_KEY: randomBytes(32).toString('hex'),
  WECHAT_APPID: 'wx-bench',
  WECHAT_SECRET: randomBytes(16).toString('hex'),
};

/**
 * For the per-request benches: an API-only instance (no outbox worker, no daily
 * jobs). On a database seeded a moment ago the daily jobs (churn stages, RFM
 * segments) walk every member at once, and their CPU would be counted as the
 * requests'; what they cost is `npm run bench -- scale`'s to measure.
 * BENCH_BACKGROUND=on keeps them.
 */
export const API_ONLY: Record<string, string> = { BACKGROUND: process.env.BENCH_BACKGROUND ?? 'off' };

/** Runs the compiled server (server/dist/main.js) on the given database; it migrates on start (MIGRATE_ON_START). */
export async function startBenchServer(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const main = path.join(root, 'server/dist/main.js');
  if (!fs.existsSync(main)) throw new Error('server is not built: run `npm run build` first');
  const fake = await startFakeWechat({ port: 0 });
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF_DIR ? ['--cpu-prof'] : []), main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      WECHAT_API_BASE: fake.url,
      ...BENCH_SECRETS,
      // The bench starts on a fresh database; production servers otherwise leave migrating to `npm run migrate`.
      MIGRATE_ON_START: '1',
      // Nothing routes through a load balancer here: stop at once on SIGTERM.
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: process.env.BENCH_PROF_DIR ?? root,
  });
  const url = `http://127.0.0.1:${port}`;
  serverPid = child.pid ?? null;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    fake,
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await fake.close();
    },
  };
}

/** Inserts `n` members with empty accounts in chunks (set-based; the bench is not about registration). */
export async function seedMembers(pool: Pool, n: number, now = Date.now()): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, i) => [
      `bench-openid-${start + i}`,
      'active',
      0,
      now,
      now,
    ]);
    const [res] = await pool.query(
      'INSERT INTO members (openid, status, token_version, created_at, updated_at) VALUES ?',
      [rows],
    );
    const first = Number((res as { insertId: number }).insertId);
    const batch = rows.map((_, i) => first + i);
    await pool.query('INSERT INTO points_accounts (member_id, balance, updated_at) VALUES ?', [
      batch.map((id) => [id, 0, now]),
    ]);
    ids.push(...batch);
  }
  return ids;
}

export async function seedOperator(baseUrl: string, pool: Pool): Promise<string> {
  const now = Date.now();
  await pool.query(
    "INSERT INTO staff_accounts (username, password_hash, display_name, role, store_id, status, token_version, created_at, updated_at) VALUES ('bench-op', ?, 'bench', 'operator', NULL, 'active', 0, ?, ?)",
    [bcrypt.hashSync('bench-password', 4), now, now],
  );
  const res = await fetch(`${baseUrl}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-op', password: 'bench-password' }),
  });
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** CPU milliseconds per completed operation, by process: where a run's time went on a shared machine. */
export interface CpuPerOp {
  generator: number;
  server: number | null;
  db: number | null;
}
export interface LoopResult {
  ops: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerOp?: CpuPerOp;
}

/** The bench server's pid (set by startBenchServer) and the database server's, read from /proc (Linux only). */
let serverPid: number | null = null;
function procCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}
/** Looked up once: the database server does not change during a run. */
let dbPidFound: number | null | undefined;
function dbPid(): number | null {
  if (dbPidFound === undefined) dbPidFound = findDbPid();
  return dbPidFound;
}
function findDbPid(): number | null {
  try {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(d);
    }
  } catch {
    /* not Linux */
  }
  return null;
}
function cpuNow() {
  const u = process.cpuUsage();
  return { generator: (u.user + u.system) / 1000, server: procCpuMs(serverPid), db: procCpuMs(dbPid()) };
}
function cpuPerOp(a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>, ops: number): CpuPerOp {
  const per = (x: number | null, y: number | null) =>
    x === null || y === null || !ops ? null : Math.round(((y - x) / ops) * 1000) / 1000;
  return { generator: per(a.generator, b.generator)!, server: per(a.server, b.server), db: per(a.db, b.db) };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Closed loop: `concurrency` workers each run `op` back to back for `seconds`. */
export async function closedLoop(
  op: (worker: number, i: number) => Promise<boolean>,
  concurrency: number,
  seconds: number,
): Promise<LoopResult> {
  const lat: number[] = [];
  let errors = 0;
  let seq = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const cpu0 = cpuNow();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const s = performance.now();
        const ok = await op(w, seq++).catch(() => false);
        lat.push(performance.now() - s);
        if (!ok) errors++;
      }
    }),
  );
  const took = (performance.now() - t0) / 1000;
  const cpuMsPerOp = cpuPerOp(cpu0, cpuNow(), lat.length - errors);
  lat.sort((a, b) => a - b);
  return {
    ops: lat.length - errors,
    errors,
    seconds: took,
    perSecond: (lat.length - errors) / took,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    cpuMsPerOp,
  };
}

/** Open loop: starts `rate` operations per second regardless of completions, so queueing shows in p99. */
export async function openLoop(
  op: (i: number) => Promise<boolean>,
  rate: number,
  seconds: number,
): Promise<LoopResult> {
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  const t0 = performance.now();
  const total = Math.floor(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from the intended start, so a stalled generator cannot hide queueing.
    pending.push(
      op(i)
        .catch(() => false)
        .then((ok) => {
          lat.push(performance.now() - due);
          if (!ok) errors++;
        }),
    );
  }
  await Promise.all(pending);
  const took = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    ops: lat.length - errors,
    errors,
    seconds: took,
    perSecond: (lat.length - errors) / took,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

export interface Row {
  workload: string;
  app: LoopResult;
  raw: LoopResult;
  target: number;
  extra?: Record<string, unknown>;
}

export function printTable(rows: Row[]): void {
  const fmt = (n: number, d = 0) => n.toFixed(d).padStart(8);
  console.log(
    `\n${'workload'.padEnd(28)}${'app/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'raw/s'.padStart(8)}${'ratio'.padStart(8)}${'target'.padStart(8)}  errors`,
  );
  for (const r of rows) {
    const ratio = r.app.perSecond / r.raw.perSecond;
    console.log(
      `${r.workload.padEnd(28)}${fmt(r.app.perSecond)}${fmt(r.app.p50, 1)}${fmt(r.app.p99, 1)}${fmt(r.raw.perSecond)}${fmt(ratio, 2)}${fmt(r.target, 2)}  ${r.app.errors}/${r.raw.errors}${ratio < r.target ? '  BELOW TARGET' : ''}`,
    );
    if (r.extra) console.log(`${''.padEnd(28)}${JSON.stringify(r.extra)}`);
    const cpu = (c?: CpuPerOp) =>
      c ? `generator ${c.generator} / server ${c.server ?? '-'} / db ${c.db ?? '-'}` : '-';
    console.log(`${''.padEnd(28)}CPU ms per op: app ${cpu(r.app.cpuMsPerOp)}; raw ${cpu(r.raw.cpuMsPerOp)}`);
  }
}

export function writeResults(name: string, rows: Row[]): string {
  const dir = path.join(root, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), rows: rows.map((r) => ({ ...r, ratio: r.app.perSecond / r.raw.perSecond })) },
      null,
      2,
    ),
  );
  return path.relative(root, file);
}

/** A keep-alive JSON client with little overhead, so the generator is not the bottleneck. */
/** HTTP calls of the load generator: the lean keep-alive client (see http-client.ts). */
export function jsonClient(baseUrl: string, maxSockets: number) {
  return leanHttpClient(baseUrl, maxSockets);
}

import jwt from 'jsonwebtoken';

/** Member tokens signed with the bench server's secret: thousands of members without thousands of logins. */
export function memberToken(memberId: number): string {
  return jwt.sign({ sub: String(memberId), ver: 0 }, BENCH_SECRETS.TOKEN_SECRET, {
    algorithm: 'HS256',
    audience: 'member',
    issuer: 'huiyuan',
    expiresIn: 3600,
  });
}

/** A raw-baseline transaction: READ COMMITTED like the server, false on any error (counted, not thrown). */
export async function rawTx(
  pool: Pool,
  work: (conn: import('mysql2/promise').PoolConnection) => Promise<void>,
): Promise<boolean> {
  const conn = await pool.getConnection();
  try {
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await conn.beginTransaction();
    await work(conn);
    await conn.commit();
    return true;
  } catch {
    await conn.rollback().catch(() => undefined);
    return false;
  } finally {
    conn.release();
  }
}
