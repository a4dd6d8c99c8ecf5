import { Writable } from 'node:stream';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { sql } from '../src/db/dialect';
import { startServer, type RunningServer } from '../src/server';
import { startFakeWechat, type FakeWechat } from '../../scripts/fake-wechat/server';
import { freshMysql } from './db';

/**
 * Graceful shutdown as SIGTERM runs it (main.ts calls close()): readiness turns
 * false at once, the listener keeps serving for the drain delay, then stops
 * accepting, and a request already in flight still completes.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeWechat;
let mysql: { url: string; drop: () => Promise<void> } | null = null;
let running: RunningServer;
const logs: string[] = [];

beforeAll(async () => {
  fake = await startFakeWechat({ port: 0 });
  mysql = process.env.DATABASE_URL ? await freshMysql(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    WECHAT_API_BASE: fake.url,
    MIGRATE_ON_START: '1',
    SHUTDOWN_DRAIN_MS: '400',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...(mysql ? { DATABASE_URL: mysql.url, DB_POOL_SIZE: '8' } : { SQLITE_PATH: ':memory:' }),
  });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  running = await startServer(config, createLogger('info', sink));
});

afterAll(async () => {
  await running.close();
  await fake.close();
  await mysql?.drop();
});

it('a slow in-flight request completes after SIGTERM; /readyz is 503 while draining; then nothing is accepted', async () => {
  const url = running.url;
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'shutdown-member:1' }),
  }).then((r) => r.json() as Promise<{ token: string; memberId: string }>);
  const { db } = running.ctx;

  // Hold the member's row (the whole database on SQLite) so the PATCH below waits ~1.5 s in flight.
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = db.tx(async (q) => {
    await q.one(`SELECT id FROM members WHERE id = ?${sql.forUpdate(q.dialect)}`, [Number(login.memberId)]);
    locked();
    await sleep(1500);
  });
  await isLocked;
  const started = Date.now();
  const slow = fetch(`${url}/api/me`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
    body: JSON.stringify({ nickname: 'still here', privacyConsentVersion: 'v1' }),
  });
  await sleep(100);

  const closed = running.close(); // what SIGTERM does
  expect(running.draining()).toBe(true);
  // During the drain delay the listener still answers: not ready, but alive.
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect(ready.headers.get('connection')).toBe('close');
  expect((await fetch(`${url}/livez`)).status).toBe(200);

  const res = await slow;
  expect(res.status).toBe(200);
  expect(((await res.json()) as { nickname: string }).nickname).toBe('still here');
  expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  await holder;
  await closed;
  // After close: the listener is gone.
  await expect(fetch(`${url}/livez`)).rejects.toThrow();
  expect(logs.join('')).not.toMatch(/"level":50/);
});
