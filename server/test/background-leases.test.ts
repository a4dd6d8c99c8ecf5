import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { OutboxWorker } from '../src/modules/notifications/worker';
import { enqueueIn } from '../src/modules/notifications/outbox';
import { JobRunner, type JobContext, type JobDef } from '../src/jobs/runner';
import { WechatMessages } from '../src/modules/wechat/messages';
import { dbTokenStore } from '../src/modules/wechat/store';

/** Background work on several instances: outbox claims, job leases and the forced token refresh. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// One row at a time by default: the rows of a batch wait behind a slow send, as their leases lapse.
const worker = (leaseMs: number, concurrency = 1) =>
  new OutboxWorker(
    t.ctx.db,
    t.clock,
    t.ctx.settings,
    t.ctx.wechatMessages,
    t.ctx.inbox,
    'Asia/Shanghai',
    t.ctx.logger,
    'formal',
    { leaseMs, concurrency },
  );

test('two workers and a WeChat slower than the lease: every message goes out exactly once', async () => {
  (t.clock as unknown as { t: Date }).t = new Date('2026-11-24T04:00:00Z'); // noon in Shanghai
  const members = await Promise.all(Array.from({ length: 12 }, (_, i) => t.login(`bg-slow-${i}`)));
  for (const m of members) {
    await t.http('POST', '/api/me/subscriptions', {
      token: m.token,
      body: { results: [{ templateId: 'TPL_TIER_CHANGED', result: 'accept' }] },
    });
    await t.ctx.db.tx((q) =>
      enqueueIn(
        q,
        {
          dedupeKey: `bg-slow:${m.memberId}`,
          kind: 'tier_changed',
          memberId: m.memberId,
          payload: { from: 'normal', to: 'silver', fromName: '普卡', toName: '银卡', direction: 'up' },
        },
        t.clock.now(),
      ),
    );
  }
  const before = t.fake.sent.length;
  t.fake.sendDelayMs = 700; // each send outlasts the 300 ms claim lease
  try {
    const a = worker(300);
    const b = worker(300);
    const first = [a.drain(100, 3), b.drain(100, 3)];
    // A third drain arrives once the first claims' leases have lapsed behind their first slow send.
    await sleep(450);
    const results = await Promise.all([...first, b.drain(100, 3)]);
    const sum = (k: 'sent' | 'lost') => results.reduce((n, r) => n + r[k], 0);
    expect(sum('sent')).toBe(12);
    expect(sum('lost')).toBeGreaterThan(0); // rows were taken over while their first owner was busy
  } finally {
    t.fake.sendDelayMs = 0;
  }
  expect(t.fake.sent.length - before).toBe(12);
  expect(t.fake.duplicates()).toBe(0);
  expect(await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'bg-slow:%' AND status = 'sent'")).toBe(
    12,
  );
});

test('a worker that stops hands its claimed rows back at once', async () => {
  const m = await t.login('bg-stop');
  for (let i = 0; i < 4; i++)
    await t.ctx.db.tx((q) =>
      enqueueIn(
        q,
        { dedupeKey: `bg-stop:${i}`, kind: 'birthday_gift', memberId: m.memberId, payload: { points: 1 } },
        t.clock.now(),
      ),
    );
  t.fake.sendDelayMs = 0;
  const w = worker(60_000);
  const draining = w.drain(100, 4);
  await w.stop();
  await draining;
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'bg-stop:%' AND status = 'sending'"),
  ).toBe(0);
  await t.ctx.outbox.drain();
  expect(await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'bg-stop:%' AND status = 'sent'")).toBe(
    4,
  );
});

test('a job whose lease is stolen stops at its next checkpoint; the run is resumed and recorded once', async () => {
  let gate!: () => void;
  const opened = new Promise<void>((r) => (gate = r));
  const done: string[] = [];
  const seen: { ctx?: JobContext } = {};
  const job = (who: string, wait: boolean): JobDef => ({
    name: 'lease_probe',
    at: null,
    async run(ctx) {
      seen.ctx ??= ctx;
      let i = Number(ctx.resumeFrom ?? 0);
      while (i < 5) {
        i++;
        done.push(`${who}${i}`);
        if (wait && i === 2) await opened;
        await ctx.checkpoint(String(i), i);
      }
      return { processed: i, detail: { by: who } };
    },
  });
  const a = new JobRunner(t.ctx.db, t.clock, 'Asia/Shanghai', t.ctx.logger, [job('a', true)], { leaseMs: 300 });
  const b = new JobRunner(t.ctx.db, t.clock, 'Asia/Shanghai', t.ctx.logger, [job('b', false)], { leaseMs: 300 });
  const first = a.run('lease_probe', 'scheduler', true);
  while (done.length < 2) await sleep(10);
  // A stalls at chunk 2; meanwhile its lease is taken (as if it had lapsed during a pause).
  await t.ctx.db.tx((q) => q.exec("UPDATE job_leases SET owner = 'thief', lease_until = 0 WHERE name = 'lease_probe'"));
  await sleep(250); // a heartbeat or two
  expect(seen.ctx!.stillOwner()).toBe(false);
  expect(seen.ctx!.signal.aborted).toBe(true);
  const second = await b.run('lease_probe', 'scheduler', true);
  expect(second).toMatchObject({ status: 'done', processed: 5, detail: { by: 'b' } });
  gate();
  const stopped = await first;
  expect(stopped.id).toBe(second.id);
  expect(done).toEqual(['a1', 'a2', 'b2', 'b3', 'b4', 'b5']); // b resumed after a's last checkpoint
  const runs = await t.ctx.db.read((q) =>
    q.all<{ status: string; detail: string; processed: number }>(
      "SELECT status, detail, processed FROM job_runs WHERE job = 'lease_probe'",
    ),
  );
  expect(runs).toHaveLength(1);
  expect(runs[0].status).toBe('done');
  expect(JSON.parse(runs[0].detail)).toMatchObject({ by: 'b' });
  // The scheduler does not run it again that day.
  expect((await a.run('lease_probe', 'scheduler', true)).detail).toMatchObject({ by: 'b' });
  expect(done).toHaveLength(6);
  await Promise.all([a.stop(), b.stop()]);
});

test('stop() asks a running job to stop at its next checkpoint, waits for it and frees the lease', async () => {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const slow: JobDef = {
    name: 'stop_probe',
    at: null,
    async run(ctx) {
      started();
      for (let i = 1; ; i++) {
        await sleep(20);
        await ctx.checkpoint(String(i), i);
      }
    },
  };
  const r = new JobRunner(t.ctx.db, t.clock, 'Asia/Shanghai', t.ctx.logger, [slow], { leaseMs: 60_000 });
  const run = r.run('stop_probe', 'scheduler', true);
  await running;
  await r.stop();
  expect((await run).status).toBe('running'); // open with its cursor: the next owner resumes it
  const other = new JobRunner(t.ctx.db, t.clock, 'Asia/Shanghai', t.ctx.logger, [slow], { leaseMs: 60_000 });
  const again = other.run('stop_probe', 'scheduler', true); // the lease was given back: taken at once
  await sleep(100);
  await other.stop();
  expect(Number((await again).processed)).toBeGreaterThan(0);
});

test('two instances refused by WeChat at once: one forced refresh, the other re-reads the stored token', async () => {
  const cfg = t.ctx.config.wechat;
  const now = () => t.clock.now().getTime();
  const one = new WechatMessages(cfg, dbTokenStore(t.ctx.db, now), now);
  const two = new WechatMessages(cfg, dbTokenStore(t.ctx.db, now), now);
  await one.accessToken();
  await two.accessToken();
  t.fake.expireTokens();
  const calls = () => t.fake.calls.filter((c) => c.path === '/cgi-bin/stable_token').length;
  const before = calls();
  const msg = (touser: string) => ({
    touser,
    templateId: 'TPL_TIER_CHANGED',
    page: 'pages/index/index',
    data: { thing1: { value: 'x' } },
    state: 'formal' as const,
  });
  const [a, b] = await Promise.all([one.send(msg('o-refresh-1')), two.send(msg('o-refresh-2'))]);
  expect([a, b]).toEqual([{ ok: true }, { ok: true }]);
  expect(calls() - before).toBe(1);
});
