import { addDaysToIsoDate, businessDate } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { metrics } from '../src/modules/insights/metrics';
import { metricsDirect } from '../src/modules/insights/metrics-direct';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  t.clock.set('2026-11-20T04:00:00Z');
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const exec = (sql: string, params: unknown[]) => t.ctx.db.tx((q) => q.exec(sql, params));
let seq = 0;

/** Random members, ledger entries, orders, vouchers, check-ins and invites over the last `days` days. */
async function seed(seedNo: number, days: number, members: number, stores: number[]) {
  const r = rng(seedNo);
  const now = t.clock.now().getTime();
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = () => now - Math.floor(r() * days * DAY);
  const ids: number[] = [];
  for (let i = 0; i < members; i++) {
    const created = at();
    const id = await t.ctx.db.tx((q) =>
      q.insert('INSERT INTO members (openid, status, created_at, updated_at) VALUES (?, ?, ?, ?)', [
        `roll-${seedNo}-${++seq}`,
        'active',
        created,
        created,
      ]),
    );
    ids.push(id);
  }
  const types: [string, number][] = [
    ['credit', 1],
    ['debit', -1],
    ['adjust', 1],
    ['adjust', -1],
    ['expire', -1],
    ['reversal', -1],
  ];
  for (let i = 0; i < members * 6; i++) {
    const [type, sign] = pick(types);
    const store = r() < 0.2 ? null : pick(stores);
    await exec(
      `INSERT INTO points_entries (member_id, delta, type, reason, idem_key, input_hash, balance_after, store_id, created_at)
       VALUES (?, ?, ?, 'test', ?, '', 0, ?, ?)`,
      [pick(ids), sign * (1 + Math.floor(r() * 500)), type, `roll-${++seq}`, store, at()],
    );
  }
  for (let i = 0; i < members * 3; i++) {
    const created = at();
    const amount = 100 + Math.floor(r() * 50_000);
    await exec(
      `INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, refunded_cents, points, input_hash, business_date, created_at, updated_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, '', ?, ?, ?)`,
      [
        pick(stores),
        `R${++seq}`,
        pick(ids),
        amount,
        r() < 0.2 ? Math.floor(amount / 2) : 0,
        Math.floor(amount / 100),
        businessDate(new Date(created), TZ),
        created,
        created,
      ],
    );
  }
  for (let i = 0; i < members * 2; i++) {
    const created = at();
    const used = r() < 0.5;
    await exec(
      `INSERT INTO vouchers (code, benefit_id, member_id, status, cost_points, request_key, input_hash, valid_until, redeemed_at, redeemed_store_id, created_at)
       VALUES (?, 1, ?, ?, 0, ?, '', ?, ?, ?, ?)`,
      [
        `RV${++seq}`,
        pick(ids),
        used ? 'used' : 'unused',
        `rk${seq}`,
        created + 30 * DAY,
        used ? Math.min(now, created + Math.floor(r() * 3 * DAY)) : null,
        used ? pick([...stores, null]) : null,
        created,
      ],
    );
  }
  for (let i = 0; i < members * 3; i++) {
    const created = at();
    await exec(
      `INSERT INTO checkins (member_id, business_date, kind, created_at) VALUES (?, ?, 'daily', ?)
       ${t.dialect === 'mysql' ? 'ON DUPLICATE KEY UPDATE kind = kind' : 'ON CONFLICT DO NOTHING'}`,
      [pick(ids), businessDate(new Date(created), TZ), created],
    );
  }
  for (let i = 0; i < members / 2; i++) {
    const created = at();
    await exec(
      `INSERT INTO referrals (invitee_id, inviter_id, status, first_purchase_at, created_at) VALUES (?, ?, 'bound', ?, ?)`,
      [ids[i], pick(ids), r() < 0.5 ? created + DAY : null, created],
    );
  }
}

async function compare(from: string, to: string, stores: (number | null)[]) {
  for (const store of stores) {
    const direct = await metricsDirect(t.ctx, from, to, store);
    const rolled = await metrics(t.ctx, from, to, store);
    expect({ from, to, store, ...rolled }).toEqual({ from, to, store, ...direct });
  }
}

test('the dashboard from rollups gives the figures of a direct computation, on random data', async () => {
  const stores: number[] = [];
  for (const code of ['ROLL-A', 'ROLL-B', 'ROLL-C'])
    stores.push(await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code, name: code }, t.clock.now())));
  await seed(7, 45, 60, stores);

  const run = await t.ctx.jobs.run('rollups', 'test');
  expect(run.status).toBe('done');
  const today = businessDate(t.clock.now(), TZ);
  const all = [null, ...stores];
  const ranges: [string, string][] = [
    [addDaysToIsoDate(today, -50), today],
    [addDaysToIsoDate(today, -7), addDaysToIsoDate(today, -1)],
    [today, today],
    [addDaysToIsoDate(today, -20), addDaysToIsoDate(today, -20)],
    [addDaysToIsoDate(today, -3), addDaysToIsoDate(today, 2)],
  ];
  for (const [from, to] of ranges) await compare(from, to, all);
  const wide = await metrics(t.ctx, addDaysToIsoDate(today, -50), today, null);
  expect(wide.sales.orders).toBe(180);
  expect(wide.members.total).toBe(60);
  expect(wide.sales.repeatBuyers).toBeGreaterThan(0);

  // Writes after the run (each made at its time, after the run's stored span of today): today's
  // stored rows plus the rest read live; a late write on a past day shows after the next run.
  t.clock.advance(3_600_000);
  await seed(8, 0.04, 10, stores);
  await compare(today, today, all);
  await compare(addDaysToIsoDate(today, -6), today, all);
  // The job's next slot stores today up to a minute ago; later writes are read live on top.
  t.clock.advance(300_000);
  expect((await t.ctx.jobs.run('rollups', 'scheduler', true, ':slot-a')).processed).toBe(1);
  t.clock.advance(1_800_000);
  await seed(9, 0.02, 6, stores);
  await compare(today, today, all);
  const yesterday = addDaysToIsoDate(today, -1);
  await exec(
    `INSERT INTO orders (store_id, order_no, member_id, staff_id, amount_cents, input_hash, business_date, created_at, updated_at)
     VALUES (?, 'LATE-1', 1, 1, 12345, '', ?, ?, ?)`,
    [stores[0], yesterday, t.clock.now().getTime() - DAY, t.clock.now().getTime()],
  );
  const stale = await metrics(t.ctx, yesterday, yesterday, null);
  expect((await metricsDirect(t.ctx, yesterday, yesterday, null)).sales.amountCents - stale.sales.amountCents).toBe(
    12_345,
  );
  expect((await t.ctx.jobs.run('rollups', 'test')).status).toBe('done');
  await compare(addDaysToIsoDate(today, -10), today, all);
});

test('a rerun replaces the days it recomputes, and computes each older day once a day', async () => {
  const first = await t.ctx.jobs.run('rollups', 'test');
  const again = await t.ctx.jobs.run('rollups', 'test');
  expect(first.status).toBe('done');
  // By hand: today and the three days before it, every run.
  expect(again.processed).toBe(4);
  // On schedule (every 5 minutes): the first run of a day also redoes the day before (now over) and
  // the three days before that; the day's later runs, today only.
  t.clock.advance(86_400_000);
  expect((await t.ctx.jobs.run('rollups', 'scheduler', true, ':a')).processed).toBe(4);
  t.clock.advance(300_000);
  expect((await t.ctx.jobs.run('rollups', 'scheduler', true, ':b')).processed).toBe(1);
  const rows = await t.ctx.db.read((q) =>
    q.all<{ d: string; n: number }>(
      'SELECT business_date AS d, COUNT(*) AS n FROM insight_daily WHERE store_id = 0 GROUP BY business_date HAVING COUNT(*) > 1',
    ),
  );
  expect(rows).toEqual([]);
});

test('the scheduler runs the rollups in every 5-minute slot; the figures of now are those of its last run', async () => {
  const today = businessDate(t.clock.now(), TZ);
  const outstanding = async () => (await metrics(t.ctx, today, today, null)).points.outstanding;
  await t.ctx.jobs.tick();
  const before = await outstanding();
  await exec('INSERT INTO points_accounts (member_id, balance, updated_at) VALUES (?, ?, ?)', [
    990_001,
    777,
    t.clock.now().getTime(),
  ]);
  expect(await outstanding()).toBe(before);
  // The same slot again: nothing; the next slot: a run, and the new balance is in.
  expect(await t.ctx.jobs.tick()).not.toContain('rollups');
  t.clock.advance(300_000);
  expect(await t.ctx.jobs.tick()).toContain('rollups');
  expect(await outstanding()).toBe(before + 777);
  const direct = await metricsDirect(t.ctx, today, today, null);
  expect(await metrics(t.ctx, today, today, null)).toEqual(direct);
});

test('a slow pass over every member is not repeated every slot: it waits 50 times as long as it took', async () => {
  const today = businessDate(t.clock.now(), TZ);
  const outstanding = async () => (await metrics(t.ctx, today, today, null)).points.outstanding;
  t.clock.advance(300_000);
  expect(await t.ctx.jobs.tick()).toContain('rollups');
  const before = await outstanding();
  // As if the last pass had taken 60 s: the next is due 50 minutes after it.
  await exec("UPDATE insight_snapshots SET value = 60000 WHERE metric = 'now:ms' AND business_date = ?", [today]);
  await exec('INSERT INTO points_accounts (member_id, balance, updated_at) VALUES (?, ?, ?)', [
    990_002,
    555,
    t.clock.now().getTime(),
  ]);
  for (let slot = 0; slot < 9; slot++) {
    t.clock.advance(300_000);
    expect(await t.ctx.jobs.tick()).toContain('rollups');
    expect(await outstanding()).toBe(before);
  }
  t.clock.advance(300_000);
  await t.ctx.jobs.tick();
  expect(await outstanding()).toBe(before + 555);
});
