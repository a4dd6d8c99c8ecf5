import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { createDataSource, initDataSource, loadConfig } from '@huiyuan/server';
import { closedLoop, jsonClient, printTable, root, writeResults, type LoopResult, type Row } from './lib';

/**
 * `npm run bench -- embedded`: daily check-ins (POST /api/me/checkin) on the
 * embedded database, with 1,000 and with 500,000 ledger rows already in the file,
 * on better-sqlite3 and, for comparison, on sql.js (the engine it replaced, still
 * the fallback). The row to read is "500k / 1k": check-ins/s with a year of
 * history over check-ins/s on a new shop; the goal is >= 0.8 (no slowdown as the
 * ledger grows). Each run gets its own copy of a file seeded set-based, and the
 * server runs compiled, in a child process, as `npm run serve` would.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MEMBERS = 40_000;
const SIZES = [1_000, 500_000];
const ENGINES = (process.env.BENCH_ENGINES ?? 'better-sqlite3,sqljs').split(',');
const SECRET = 'bench-embedded-token-secret-0123456789';

const token = (memberId: number) =>
  jwt.sign({ sub: String(memberId), ver: 0 }, SECRET, {
    algorithm: 'HS256',
    audience: 'member',
    issuer: 'huiyuan',
    expiresIn: 3600,
  });

/** A migrated file with MEMBERS members and `entries` ledger entries (each with its lot), written set-based. */
async function seed(file: string, entries: number): Promise<void> {
  const ds = createDataSource(loadConfig({ NODE_ENV: 'development', SQLITE_PATH: file, LOG_LEVEL: 'silent' }));
  await initDataSource(ds);
  const now = Date.now();
  const upTo = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`;
  await ds.query('BEGIN');
  await ds.query(
    `${upTo(MEMBERS)} INSERT INTO members (openid, status, token_version, created_at, updated_at) SELECT 'bench-' || i, 'active', 0, ?, ? FROM n`,
    [now, now],
  );
  await ds.query('INSERT INTO points_accounts (member_id, balance, updated_at) SELECT id, 0, ? FROM members', [now]);
  await ds.query(
    "INSERT INTO member_tiers (member_id, tier_code, since_at, updated_at) SELECT id, 'normal', ?, ? FROM members",
    [now, now],
  );
  // History: one credit a minute going back in time, spread over the members.
  await ds.query(
    `${upTo(entries)} INSERT INTO points_entries (member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, created_at)
     SELECT ((i - 1) % ${MEMBERS}) + 1, 10, 'credit', 'seed', NULL, 'seed:' || i, '${'0'.repeat(64)}', 10 * ((i - 1) / ${MEMBERS} + 1), ? - (${entries} - i) * 60000 FROM n`,
    [now],
  );
  await ds.query(
    'INSERT INTO points_lots (member_id, entry_id, earned, remaining, expires_at, created_at) SELECT member_id, id, 10, 10, ?, created_at FROM points_entries',
    [now + 3e10],
  );
  await ds.query(
    'UPDATE points_accounts SET balance = (SELECT COALESCE(SUM(delta), 0) FROM points_entries e WHERE e.member_id = points_accounts.member_id)',
  );
  await ds.query('COMMIT');
  // One self-contained file that both engines can open (sql.js reads no write-ahead log).
  await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
  await ds.query('PRAGMA journal_mode = DELETE');
  await ds.destroy();
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

/** CPU milliseconds a process has used (Linux /proc; null elsewhere): where the time went on a shared machine. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function run(
  engine: string,
  template: string,
  dir: string,
): Promise<LoopResult & { startMs: number; serverCpuMsPerOp: number | null }> {
  const file = path.join(dir, `${engine}-${path.basename(template)}`);
  fs.copyFileSync(template, file);
  const port = await freePort();
  const started = performance.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    SQLITE_PATH: file,
    SQLITE_ENGINE: engine,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TOKEN_SECRET: SECRET,
    MIGRATE_ON_START: '1',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: root,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if (
        await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 1200) throw new Error('server did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const startMs = performance.now() - started;
    const call = jsonClient(url, CONCURRENCY);
    let next = 0;
    const op = async () => {
      const memberId = 1 + (next++ % MEMBERS);
      const res = await call('POST', '/api/me/checkin', undefined, { authorization: `Bearer ${token(memberId)}` });
      return res.status === 200;
    };
    await closedLoop(op, CONCURRENCY, 1);
    const cpu0 = cpuMs(child.pid);
    const result = await closedLoop(op, CONCURRENCY, SECONDS);
    const cpu1 = cpuMs(child.pid);
    const serverCpuMsPerOp =
      cpu0 === null || cpu1 === null || !result.ops ? null : Math.round(((cpu1 - cpu0) / result.ops) * 100) / 100;
    if (next > MEMBERS) console.warn(`${engine}: ran out of members, later check-ins were replays`);
    return { ...result, startMs, serverCpuMsPerOp };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

export async function benchEmbedded(): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-bench-embedded-'));
  try {
    const templates: string[] = [];
    for (const n of SIZES) {
      const file = path.join(dir, `seed-${n}.sqlite`);
      const t0 = performance.now();
      await seed(file, n);
      console.log(
        `  seeded ${n} ledger rows (+ lots, ${MEMBERS} members) in ${Math.round(performance.now() - t0)} ms: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`,
      );
      templates.push(file);
    }
    const rows: Row[] = [];
    for (const engine of ENGINES) {
      const [small, large] = [await run(engine, templates[0], dir), await run(engine, templates[1], dir)];
      const r1 = (n: number) => Math.round(n * 10) / 10;
      console.log(
        `  ${engine}: ${r1(small.perSecond)}/s p99 ${r1(small.p99)} ms at 1k rows; ${r1(large.perSecond)}/s p99 ${r1(large.p99)} ms at 500k rows`,
      );
      rows.push({
        workload: `check-in ${engine} 500k/1k`,
        app: large,
        raw: small,
        target: 0.8,
        extra: {
          concurrency: CONCURRENCY,
          'at 1k': { perSecond: r1(small.perSecond), p50: r1(small.p50), p99: r1(small.p99), errors: small.errors },
          'at 500k': { perSecond: r1(large.perSecond), p50: r1(large.p50), p99: r1(large.p99), errors: large.errors },
          'start ms (open + migrations check) at 1k / 500k': [Math.round(small.startMs), Math.round(large.startMs)],
          'server CPU ms per check-in at 1k / 500k': [small.serverCpuMsPerOp, large.serverCpuMsPerOp],
          synchronous: process.env.SQLITE_SYNCHRONOUS ?? 'FULL',
        },
      });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEmbedded().then(
    (rows) => {
      printTable(rows);
      console.log(`results: ${writeResults('embedded', rows)}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
