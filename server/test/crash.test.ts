import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { memberCode } from '@huiyuan/shared';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource, initDataSource } from '../src/db/data-source';
import { Database } from '../src/db/database';
import { loadBetterSqlite3, type SqliteConstructor, type SqliteStatement } from '../src/db/sqlite';
import { compose } from '../src/compose';
import { checkInvariants } from '../src/index';
import { startFakeWechat, type FakeWechat } from '../../scripts/fake-wechat/server';

/**
 * Crash safety of the embedded database: the real server (server/src/main.ts,
 * bundled) runs as a child process on a file under a stream of logins, check-ins
 * and checkouts, and is killed with SIGKILL at random moments. After every kill the
 * file must pass SQLite's integrity check and the ledger invariants, and every
 * write the server acknowledged with a 2xx before the kill must be there.
 * SQLite only: on MySQL the database is another process and survives ours.
 */
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const root = path.resolve(__dirname, '../..');
const sqliteOnly = process.env.DATABASE_URL ? describe.skip : describe;

let dir: string;
let file: string;
let entry: string;
let fake: FakeWechat;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

const env = () => ({
  NODE_ENV: 'test',
  SQLITE_PATH: file,
  WECHAT_API_BASE: fake.url,
  LOGIN_RATE_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
});

// The bundle lives outside the repository: it finds the packages the way the workspaces would.
const modulePaths = ['node_modules', 'server/node_modules', 'shared/node_modules']
  .map((d) => path.join(root, d))
  .join(path.delimiter);

/** The server in a child process, ready to serve. */
async function startChild(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env(), PORT: String(port), HOST: '127.0.0.1', NODE_PATH: modulePaths },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    if (i > 200) throw new Error(`server did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function call(url: string, method: string, p: string, body?: unknown, token?: string) {
  const res = await fetch(url + p, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** What the server acknowledged (2xx) before a kill: each must be in the file afterwards. */
const acked = { members: new Set<number>(), checkins: new Set<number>(), orders: new Set<string>() };

let seq = 0;
/** One client: log a new member in, check in, pay at the till; stops at the first refused or broken call. */
async function client(url: string, staffToken: string, secrets: SqliteStatement) {
  for (;;) {
    const n = ++seq;
    const login = await call(url, 'POST', '/api/auth/login', { code: `crash-${process.pid}-${n}:${n}` });
    if (login.status !== 200) return;
    const memberId = Number(login.body.memberId);
    acked.members.add(memberId);
    const token = String(login.body.token);
    const checkin = await call(url, 'POST', '/api/me/checkin', undefined, token);
    if (checkin.status !== 200) return;
    acked.checkins.add(memberId);
    const secret = secrets.all(memberId)[0] as { secret_hex: string } | undefined;
    if (!secret) throw new Error(`member ${memberId} has no card secret`);
    const orderNo = `C${n}`;
    const code = memberCode(String(memberId), new Uint8Array(Buffer.from(secret.secret_hex, 'hex')), Date.now());
    const checkout = await call(
      url,
      'POST',
      '/api/staff/checkout',
      { memberCode: code, orderNo, amountCents: 1234 },
      staffToken,
    );
    if (checkout.status !== 200) return;
    acked.orders.add(orderNo);
  }
}

/** Opens the file in this process (as the next start would), checks it, and closes it. */
async function verify(): Promise<{ members: number; orders: number }> {
  const ctor = loadBetterSqlite3() as SqliteConstructor;
  const raw = new ctor(file, { fileMustExist: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    raw.close();
  }
  const ds = createDataSource(loadConfig(env()));
  await initDataSource(ds);
  try {
    const db = new Database(ds);
    expect(await checkInvariants(db)).toEqual([]);
    const ids = new Set(
      (await db.read((q) => q.all<{ id: number }>('SELECT id FROM members'))).map((r) => Number(r.id)),
    );
    const days = new Set(
      (await db.read((q) => q.all<{ member_id: number }>('SELECT member_id FROM checkins'))).map((r) =>
        Number(r.member_id),
      ),
    );
    const orders = new Set(
      (await db.read((q) => q.all<{ order_no: string }>('SELECT order_no FROM orders'))).map((r) => r.order_no),
    );
    expect([...acked.members].filter((id) => !ids.has(id))).toEqual([]);
    expect([...acked.checkins].filter((id) => !days.has(id))).toEqual([]);
    expect([...acked.orders].filter((o) => !orders.has(o))).toEqual([]);
    return { members: ids.size, orders: orders.size };
  } finally {
    await ds.destroy();
  }
}

sqliteOnly('the embedded database under SIGKILL', () => {
  const staff = { username: 'crash-cashier', password: 'crash test password' };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-crash-'));
    file = path.join(dir, 'huiyuan.sqlite');
    entry = path.join(dir, 'main.js');
    // The real entry point, bundled (the tests run TypeScript; the child needs JavaScript).
    await build({
      entryPoints: [path.join(root, 'server/src/main.ts')],
      outfile: entry,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
      plugins: [
        {
          name: 'workspace-from-source',
          setup(b) {
            b.onResolve({ filter: /^@huiyuan\/shared$/ }, () => ({ path: path.join(root, 'shared/src/index.ts') }));
            b.onResolve({ filter: /^[^./]/ }, (a) => ({ path: a.path, external: true }));
          },
        },
      ],
    });
    fake = await startFakeWechat();
    // A store and a cashier, written before the first start.
    const config = loadConfig(env());
    const ds = createDataSource(config);
    await initDataSource(ds);
    const ctx = compose(config, ds, createLogger('silent'));
    await ctx.db.tx(async (q) => {
      const storeId = await ctx.staff.createStore(q, { code: 'CRASH', name: 'Crash test store' }, new Date());
      await ctx.staff.create(
        q,
        { username: staff.username, password: staff.password, displayName: 'cashier', role: 'staff', storeId },
        new Date(),
      );
    });
    await ds.destroy();
  }, 60_000);

  afterAll(async () => {
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`every acknowledged write survives ${KILLS} kills at random moments, and the file stays consistent`, async () => {
    const ctor = loadBetterSqlite3() as SqliteConstructor;
    let last = { members: 0, orders: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      const { url, child } = await startChild();
      const login = await call(url, 'POST', '/api/staff/login', staff);
      expect(login.status).toBe(200);
      const staffToken = String(login.body.token);
      // The test reads card secrets from the live file, as a second process would.
      const reader = new ctor(file, { fileMustExist: true });
      const secrets = reader.prepare('SELECT secret_hex FROM member_secrets WHERE member_id = ?');
      const exited = new Promise((r) => child.once('exit', r));
      const clients = Array.from({ length: 6 }, () => client(url, staffToken, secrets).catch(() => undefined));
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 1000));
      child.kill('SIGKILL');
      await exited;
      await Promise.all(clients);
      reader.close();
      last = await verify();
    }
    // The stream really wrote: not a test that passes by writing nothing.
    expect(acked.orders.size).toBeGreaterThan(0);
    expect(acked.members.size + acked.checkins.size + acked.orders.size).toBeGreaterThan(2 * KILLS);
    expect(last.members).toBeGreaterThanOrEqual(acked.members.size);
    console.log(
      `crash test: ${KILLS} kills; acknowledged ${acked.members.size} logins, ${acked.checkins.size} check-ins, ${acked.orders.size} checkouts, all present`,
    );
  }, 240_000);
});
