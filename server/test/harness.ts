import { Writable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshMysql } from './db';
import type { StaffRole } from '@huiyuan/shared';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource, initDataSource } from '../src/db/data-source';
import { compose, markReady } from '../src/compose';
import { createApp } from '../src/http/app';
import { ManualClock, type Clock } from '../src/core/clock';
import type { AppContext } from '../src/http/context';
import { startFakeWechat, type FakeWechat } from '../../scripts/fake-wechat/server';
import { payTestEnv } from '../../scripts/fake-wechat/pay-keys';

const BACKLOG = 2048;

/**
 * A real server on a real port for each test file: SQLite in memory by default,
 * or a fresh MariaDB/MySQL database when DATABASE_URL is set (created here and
 * dropped on close), with the fake WeChat server and captured JSON logs.
 */
export interface TestServer {
  url: string;
  ctx: AppContext;
  fake: FakeWechat;
  clock: ManualClock;
  logs: string[];
  /** Every response body received through http() (and so login/staffToken), raw text, in order. */
  responses: string[];
  dialect: 'mysql' | 'sqlite';
  http(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  login(identity: string): Promise<{ token: string; memberId: number }>;
  /** Stops the server and starts a new one on the same database (as after a crash or deploy). */
  restart(): Promise<void>;
  staffToken(role: StaffRole, storeId?: number | null): Promise<{ token: string; staffId: number }>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * The app on a free port for a test. Tests open up to ~1,000 connections at once:
 * a backlog past Node's default 511, so a busy event loop does not overflow the
 * accept queue. Idle keep-alive sockets are kept 60 s rather than Node's 5 s: the
 * test's fetch reuses sockets that sat idle while a slow phase ran (SQLite takes
 * units of work in turn), and a server closing one just as the next request goes
 * out is a reset (ECONNRESET), not an answer.
 */
function listen(ctx: Parameters<typeof createApp>[0]): Promise<Server> {
  return new Promise((resolve) => {
    const s = createApp(ctx).listen(0, '127.0.0.1', BACKLOG, () => resolve(s));
    s.keepAliveTimeout = 60_000;
    s.headersTimeout = 65_000;
  });
}

export async function startTestServer(
  opts: { clock?: ManualClock; env?: Record<string, string>; persistent?: boolean } = {},
): Promise<TestServer> {
  const fake = await startFakeWechat();
  const mysql = process.env.DATABASE_URL ? await freshMysql(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    WECHAT_API_BASE: fake.url,
    LOGIN_RATE_PER_MINUTE: '100000',
    // WeChat Pay against the fake's sandbox; its notifications come to this server (notifyOrigin below).
    ...payTestEnv(fake.url),
    // `persistent` keeps SQLite in a file so restart() finds the data again.
    ...(mysql
      ? { DATABASE_URL: mysql.url, DB_POOL_SIZE: '24' }
      : { SQLITE_PATH: opts.persistent ? path.join(os.tmpdir(), `hyt-${process.pid}-${++seq}.sqlite`) : ':memory:' }),
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  let ds = createDataSource(config);
  await initDataSource(ds);
  const clock = opts.clock ?? new ManualClock(new Date('2026-11-24T04:00:00Z'));
  let ctx = compose(config, ds, logger, clock as Clock);
  markReady(ctx);
  let server = await listen(ctx);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.pay.notifyOrigin = url;
  let loginSeq = 0;
  let staffSeq = 0;
  let storeId: number | null = null;

  const t: TestServer = {
    url,
    ctx,
    fake,
    clock,
    logs,
    responses: [],
    dialect: ctx.db.dialect,
    async http(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(t.url + path, { method, headers, body });
      const text = await res.text();
      t.responses.push(text);
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async login(identity) {
      const res = await t.http('POST', '/api/auth/login', { body: { code: `${identity}:${++loginSeq}` } });
      if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
      return { token: res.body.token, memberId: Number(res.body.memberId) };
    },
    async staffToken(role, store) {
      const now = clock.now();
      if (store === undefined && role !== 'operator') {
        storeId ??= await ctx.db.tx((q) =>
          ctx.staff.createStore(q, { code: `S${process.pid}`, name: 'Test store' }, now),
        );
        store = storeId;
      }
      const username = `${role}${++staffSeq}`;
      const staffId = await ctx.db.tx((q) =>
        ctx.staff.create(
          q,
          { username, password: 'correct horse battery', displayName: username, role, storeId: store ?? null },
          now,
        ),
      );
      const res = await t.http('POST', '/api/staff/login', { body: { username, password: 'correct horse battery' } });
      if (res.status !== 200) throw new Error(`staff login failed: ${JSON.stringify(res.body)}`);
      return { token: res.body.token, staffId };
    },
    async restart() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await ds.destroy();
      ds = createDataSource(config);
      await initDataSource(ds);
      ctx = compose(config, ds, logger, clock as Clock);
      markReady(ctx);
      server = await listen(ctx);
      t.ctx = ctx;
      t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      fake.pay.notifyOrigin = t.url;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await ds.destroy();
      await fake.close();
      await mysql?.drop();
      if (config.db.kind === 'sqlite' && config.db.path !== ':memory:') fs.rmSync(config.db.path, { force: true });
    },
  };
  return t;
}
