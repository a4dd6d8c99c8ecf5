import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import { businessDate, memberCode } from '@huiyuan/shared';
import { freshMysql } from '../../server/test/db';
import { schedule } from '../../server/src/jobs/schedule';
import type { Services } from '../../server/src/modules/services';
import { openidFor, startFakeWechat, type FakeWechat } from '../fake-wechat/server';
import { runSimulation, type SimResult } from '../sim/driver';
import { call, simTarget, turns, type Opts } from './client';
import { startProxy, type Proxy } from './proxy';
import { freePort, root, runNode, startInstance, waitFor, type Instance } from './processes';

/**
 * Three production processes on one fresh MariaDB database behind a round-robin
 * proxy, on the built code: three `npm run migrate` at once, three servers
 * started at once, the seeded simulation driven through the proxy while one
 * instance is stopped with SIGTERM and another killed with SIGKILL and started
 * again, and a WeChat that answers later than the outbox lease lasts. Then: no
 * failed request, no message sent twice, every invariant holds, one scheduled
 * run per job and business date. The embedded database is one process, so this
 * runs on MySQL/MariaDB only (DATABASE_URL).
 */
const mysqlUrl = process.env.DATABASE_URL;
const SEND_DELAY_MS = 1500; // longer than OUTBOX_LEASE_MS below: a claimed batch outlives its lease
const OUTBOX_LEASE_MS = 500;

// A zone where it is now the hour after the latest daily job (at most 22:xx): every job is due, and no
// business day ends during the test. Quiet hours are switched off below, as 22:00 may come.
const daily = schedule({} as Services).filter((j) => j.at && !j.everyMinutes);
const localHour = Math.min(22, Math.max(...daily.map((j) => j.at!.hour)) + 1);
const offset = ((localHour - new Date().getUTCHours() + 36) % 24) - 12;
const tz = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
const dueNow = (at: { hour: number; minute: number }) =>
  at.hour * 60 + at.minute <= localHour * 60 + new Date().getUTCMinutes();

const cleanup: (() => Promise<unknown>)[] = [];
const everyOutput: (() => string)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  // CLUSTER_LOG=<file> keeps what the instances printed, to read after a failure.
  if (process.env.CLUSTER_LOG) fs.writeFileSync(process.env.CLUSTER_LOG, everyOutput.map((o) => o()).join(''));
});

if (!mysqlUrl) {
  console.log(
    'multi-instance test skipped: it needs MariaDB/MySQL (set DATABASE_URL); the embedded database is one process',
  );
  test.skip('three instances on one database: MariaDB/MySQL only, set DATABASE_URL (skipped on the embedded database)', () => {});
} else {
  test('three production instances on MariaDB: concurrent migrate, SIGTERM and SIGKILL under load, slow WeChat', async () => {
    for (const f of ['scripts/dist/migrate.js', 'scripts/dist/reconcile.js', 'server/dist/main.js'])
      if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} missing: run npm run build first`);
    const db = await freshMysql(mysqlUrl);
    cleanup.push(db.drop);
    const ops = { NODE_ENV: 'production', DATABASE_URL: db.url };

    // 1. Three migrators at once on the empty database: all succeed, the schema is applied once.
    const migrations = await Promise.all([0, 1, 2].map(() => runNode('scripts/dist/migrate.js', [], ops)));
    expect(migrations.map((r) => [r.code, r.stderr])).toEqual([0, 1, 2].map(() => [0, '']));
    expect(migrations.filter((r) => /applied \d+ migration/.test(r.stdout))).toHaveLength(1);
    const known = Number(/\((\d+) migrations\)/.exec(migrations.map((r) => r.stdout).join(''))?.[1]);
    const pool: Pool = createPool({ uri: db.url, connectionLimit: 4 });
    cleanup.push(() => pool.end());
    const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params))[0] as T[];
    expect(await rows('SELECT name, COUNT(*) AS n FROM migrations GROUP BY name HAVING n > 1')).toEqual([]);
    expect(Number((await rows<{ n: number }>('SELECT COUNT(*) AS n FROM migrations'))[0].n)).toBe(known);
    const op = await runNode('scripts/dist/create-operator.js', ['--username', 'ops.root'], ops, 'ops passphrase 1\n');
    expect(op.code).toBe(0);

    // 2. A WeChat slower than the outbox lease, with real-looking credentials.
    const wechat = {
      WECHAT_APPID: `wx${randomBytes(8).toString('hex')}`,
      WECHAT_SECRET: randomBytes(16).toString('hex'),
    };
    const fake: FakeWechat = await startFakeWechat({
      appId: wechat.WECHAT_APPID,
      secret: wechat.WECHAT_SECRET,
      sendDelayMs: SEND_DELAY_MS,
    });
    cleanup.push(() => fake.close());

    // 3. Three servers started at once, production settings with generated secrets.
    const env: Record<string, string> = {
      ...ops,
      ...wechat,
      TOKEN_SECRET: randomBytes(32).toString('hex'),
      PHONE_ENC_KEY: randomBytes(32).toString('hex'),
      PHONE_HMAC_KEY: randomBytes(32).toString('hex'),
      WECHAT_API_BASE: fake.url,
      BUSINESS_TZ: tz,
      BACKGROUND: 'on',
      HOST: '127.0.0.1',
      TRUST_PROXY: '1',
      SHUTDOWN_DRAIN_MS: '1000',
      OUTBOX_LEASE_MS: String(OUTBOX_LEASE_MS),
      JOB_LEASE_MS: '2000',
      JOB_TICK_MS: '2000',
      DB_POOL_SIZE: '8',
      // Not under test here (rate-limits.test.ts is): one client address drives everything.
      LOGIN_RATE_PER_MINUTE: '100000',
      SCANS_PER_STORE_PER_MINUTE: '100000',
      LOG_LEVEL: 'info',
    };
    const names = ['A', 'B', 'C'];
    const ports = await Promise.all(names.map(() => freePort()));
    const live = new Map<string, Instance>();
    const start = async (name: string) => {
      const inst = await startInstance(name, ports[names.indexOf(name)], env);
      live.set(name, inst);
      everyOutput.push(inst.output);
      return inst;
    };
    cleanup.push(async () => {
      for (const i of live.values()) i.child.kill('SIGKILL');
    });
    await Promise.all(names.map(start));

    // 4. The proxy; setup through it as an operator would.
    const proxy: Proxy = await startProxy(names.map((name, i) => ({ name, port: ports[i] })));
    cleanup.push(() => proxy.close());
    const via = (method: string, p: string, o?: Opts) => call(proxy.url, method, p, o);
    await waitFor('all three ready', () => names.every((n) => proxy.backend(n).up));
    const login = async (username: string, password: string) => {
      const r = await via('POST', '/api/staff/login', { body: { username, password } });
      expect(r.status).toBe(200);
      return r.body.token as string;
    };
    const operator = await login('ops.root', 'ops passphrase 1');
    const store = await via('POST', '/api/admin/stores', { token: operator, body: { code: 'MI-1', name: 'Cluster' } });
    const staffToken = async (username: string) => {
      const body = {
        username,
        password: 'clerk passphrase 1',
        displayName: username,
        role: 'staff',
        storeId: store.body.id,
      };
      expect((await via('POST', '/api/admin/staff', { token: operator, body })).status).toBe(201);
      return login(username, body.password);
    };
    const simStaff = await staffToken('sim.clerk');
    const waveStaff = await staffToken('wave.clerk');
    const settings = await via('GET', '/api/admin/settings', { token: operator });
    const notifications = settings.body.items.find((i: { key: string }) => i.key === 'notifications').value;
    const quiet = { key: 'notifications', value: { ...notifications, quietHours: { start: 0, end: 0 } } };
    expect((await via('PUT', '/api/admin/settings', { token: operator, body: quiet })).status).toBe(200);
    const settingsCached = Date.now() + 5500; // every instance reads settings anew within 5 s

    // The schedule runs on all three at once (JOB_TICK_MS): one run per job and business date.
    const due = daily
      .filter((j) => dueNow(j.at!))
      .map((j) => j.name)
      .sort();
    const today = businessDate(new Date(), tz);
    const scheduled = () =>
      rows<{ job: string; run_key: string; status: string }>(
        "SELECT job, run_key, status FROM job_runs WHERE triggered_by = 'scheduler' ORDER BY job",
      );
    // Jobs run every few minutes (rollups) have a run per slot; the daily ones one per date.
    const dailyRuns = async () => (await scheduled()).filter((r) => daily.some((j) => j.name === r.job));
    const allDone = async () => {
      const runs = await dailyRuns();
      return runs.length === due.length && runs.every((r) => r.status === 'done');
    };
    await waitFor('the scheduled runs', allDone, 30_000);
    expect(await dailyRuns()).toEqual(due.map((job) => ({ job, run_key: `${job}:${today}`, status: 'done' })));
    const keys = (await scheduled()).map((r) => r.run_key);
    expect(keys.length).toBe(new Set(keys).size);

    // The same jobs triggered on all three instances at once: a run whose lease another holds is
    // refused (429); every run answered is one row, done, and no row exists that was not answered.
    let refusedRuns = 0;
    for (const job of ['outbox', 'segments', 'tier_evaluation', 'points_expiry']) {
      const answers = await Promise.all(
        ports.map((p) => call(`http://127.0.0.1:${p}`, 'POST', `/api/admin/jobs/${job}/run`, { token: operator })),
      );
      expect(answers.filter((a) => ![200, 429].includes(a.status))).toEqual([]);
      refusedRuns += answers.filter((a) => a.status === 429).length;
      const answered = answers.filter((a) => a.status === 200).map((a) => String(a.body.id));
      const stored = await rows<{ id: number; status: string }>(
        "SELECT id, status FROM job_runs WHERE job = ? AND triggered_by <> 'scheduler' ORDER BY id",
        [job],
      );
      expect(stored.map((r) => [String(r.id), r.status]).sort()).toEqual(answered.sort().map((id) => [id, 'done']));
    }

    // 5. Load: seeded simulations through the proxy; logins take turns across them, so a WeChat
    // failure armed by one simulation is met by its own login.
    const loginTurn = turns();
    const codeFor = async (memberId: number) => {
      const [row] = await rows<{ secret_hex: string }>('SELECT secret_hex FROM member_secrets WHERE member_id = ?', [
        memberId,
      ]);
      return memberCode(String(memberId), new Uint8Array(Buffer.from(row.secret_hex, 'hex')), Date.now());
    };
    const targetOf = { url: proxy.url, fake, loginTurn, staff: simStaff, operator, codeFor };
    let chaosDone = false;
    const sims: SimResult[] = [];
    const load = Promise.all(
      [0, 1, 2].map(async (w) => {
        for (let i = 0; !chaosDone || i < 2; i++)
          sims.push(await runSimulation(100 * (w + 1) + i, simTarget(targetOf), { batches: 3, batchSize: 8 }));
      }),
    );

    // Members who subscribed, then a purchase that lifts each to silver: one WeChat message each.
    const wave = async (tag: string, n: number) => {
      const ms: { id: number; token: string; openid: string }[] = [];
      for (let i = 0; i < n; i++) {
        const identity = `mi-${tag}-${i}`;
        const r = await loginTurn(() => via('POST', '/api/auth/login', { body: { code: `${identity}:1` } }));
        expect(r.status).toBe(200);
        ms.push({ id: Number(r.body.memberId), token: r.body.token, openid: openidFor(identity) });
      }
      // Three accepts, so the allowance is not what stops a second send: only the lease fencing can.
      const accept = { results: [0, 1, 2].map(() => ({ templateId: 'TPL_TIER_CHANGED', result: 'accept' })) };
      for (const m of ms)
        expect((await via('POST', '/api/me/subscriptions', { token: m.token, body: accept })).status).toBe(200);
      const bought = await Promise.all(
        ms.map(async (m) => {
          const body = { memberCode: await codeFor(m.id), orderNo: `MI${tag}x${m.id}`, amountCents: 300_000 };
          return (await via('POST', '/api/staff/checkout', { token: waveStaff, body })).status;
        }),
      );
      expect(bought).toEqual(ms.map(() => 200));
      return ms;
    };
    const delivered = async (ms: { id: number }[]) => {
      const out = await rows<{ status: string; channel: string }>(
        `SELECT status, channel FROM outbox WHERE kind = 'tier_changed' AND member_id IN (${ms.map(() => '?').join(',')})`,
        ms.map((m) => m.id),
      );
      return out.length === ms.length && out.every((r) => r.status === 'sent' && r.channel === 'wechat');
    };

    // More members than a claim sends at once (8 lanes): the rest of a batch waits past its lease.
    await new Promise((r) => setTimeout(r, Math.max(0, settingsCached - Date.now())));
    const first = await wave('one', 40);
    // SIGTERM mid-load, with slow sends under way: B drains, finishes its requests, hands back its rows.
    await waitFor('a send in flight', () => fake.sent.length > 0);
    const b = live.get('B')!;
    const sigtermAt = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    live.delete('B');
    expect(b.output()).toMatch(/"msg":"stopped"/);
    await waitFor('the first wave delivered', () => delivered(first), 90_000);

    // SIGKILL: C leaves the rotation, its requests finish, it dies with its leases and is started again.
    const c = live.get('C')!;
    const before = proxy.stats.requests;
    await waitFor('load on C', () => proxy.stats.requests > before + 30);
    await proxy.pauseWhenIdle('C', () => c.child.kill('SIGKILL'));
    expect(await c.exited).toBeNull();
    live.delete('C');
    proxy.resume('C');
    await start('C');
    const servedBefore = proxy.backend('C').served;
    await waitFor('the restarted C serving', () => proxy.backend('C').served > servedBefore + 20);
    const second = await wave('two', 12);
    await waitFor('the second wave delivered', () => delivered(second), 90_000);
    chaosDone = true;
    await load;

    // 6. No failed request, the model of every simulation matches the database, nothing sent twice.
    expect(proxy.stats.failed).toEqual([]);
    // A job run asked of B while it drains is refused before it starts (its runner has stopped):
    // 503 SERVICE_UNAVAILABLE, nothing done, safe to ask again. Counted apart; nothing else may be 5xx
    // but logins that met an injected WeChat failure (which the simulation expects).
    const refusedWhileStopping = proxy.stats.upstream5xx.filter(
      (r) =>
        r.backend === 'B' &&
        r.at >= sigtermAt &&
        r.code === 'SERVICE_UNAVAILABLE' &&
        /^\/api\/admin\/jobs\//.test(r.path),
    );
    const other5xx = proxy.stats.upstream5xx.filter((r) => r.path !== '/api/auth/login');
    expect(other5xx).toEqual(refusedWhileStopping);
    const unexpected = sims.flatMap((s) => s.unexpected);
    expect(unexpected.filter((u) => !/: job -> 503 \{"code":"SERVICE_UNAVAILABLE"/.test(u))).toEqual([]);
    expect(unexpected).toHaveLength(refusedWhileStopping.length);
    for (const s of sims) {
      const ids = [...s.expectedBalances.keys()];
      if (!ids.length) continue;
      const got = await rows<{ member_id: number; balance: number }>(
        `SELECT member_id, balance FROM points_accounts WHERE member_id IN (${ids.map(() => '?').join(',')})`,
        ids,
      );
      const actual = Object.fromEntries(got.map((r) => [Number(r.member_id), Number(r.balance)]));
      expect([s.seed, actual]).toEqual([s.seed, Object.fromEntries(s.expectedBalances)]);
    }
    const waveOpenids = new Set([...first, ...second].map((m) => m.openid));
    expect(fake.sent.filter((s) => waveOpenids.has(s.touser)).length).toBe(first.length + second.length);
    expect(fake.duplicates()).toBe(0);
    // ...although rows of the waves were taken over by another instance while their first owner was busy.
    const waveRows = await rows<{ id: number }>(
      `SELECT id FROM outbox WHERE kind = 'tier_changed' AND member_id IN (${[...first, ...second].map((m) => m.id).join(',')})`,
    );
    const takenOver = everyOutput
      .flatMap((o) => o().split('\n'))
      .filter((l) => l.includes('taken over by another worker'))
      .map((l) => Number((JSON.parse(l) as { outboxId: number }).outboxId));
    const waveTakenOver = takenOver.filter((id) => waveRows.some((r) => Number(r.id) === id));
    expect(waveTakenOver.length).toBeGreaterThan(0);

    // Still one scheduled run per job and business date after the restarts (ticks kept finding them done).
    expect(await dailyRuns()).toEqual(due.map((job) => ({ job, run_key: `${job}:${today}`, status: 'done' })));
    const keysAfter = (await scheduled()).map((r) => r.run_key);
    expect(keysAfter.length).toBe(new Set(keysAfter).size);

    // Every invariant, checked by the operator's command on the database.
    const reconcile = await runNode('scripts/dist/reconcile.js', [], { DATABASE_URL: db.url });
    expect([reconcile.code, reconcile.stdout]).toEqual([0, expect.stringMatching(/all invariants hold/)]);

    console.log(
      `cluster: ${proxy.stats.requests} requests, served ${names.map((n) => `${n}=${proxy.backend(n).served}`).join(' ')}, ` +
        `${proxy.stats.rerouted.length} refused before send and re-routed (an instance gone between two readiness probes), ` +
        `${refusedRuns} of 12 concurrent job triggers refused (lease held), ` +
        `${refusedWhileStopping.length} job runs refused by the stopping instance, ` +
        `${proxy.stats.upstream5xx.length - other5xx.length} logins met an injected WeChat failure, ${sims.length} simulations, ` +
        `${fake.sent.length} WeChat sends, ${waveTakenOver.length} of them taken over after their lease lapsed`,
    );
  }, 180_000);
}
