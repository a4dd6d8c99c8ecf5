import { DEFAULT_RETENTION, type Retention } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { RETENTION_BATCH } from '../src/jobs/retention';
import { checkInvariants } from '../src/modules/reconcile/invariants';

const DAY = 86_400_000;
// Tuesday 2026-11-24, 12:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
let t: TestServer;
let staff: { token: string; staffId: number };
beforeAll(async () => {
  t = await startTestServer({ clock });
  staff = await t.staffToken('staff');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const setRetention = (patch: Partial<Retention>) =>
  t.ctx.db.tx((q) => t.ctx.settings.set(q, 'retention', { ...DEFAULT_RETENTION, ...patch }, clock.now()));
const run = async (name: string) => {
  const r = await t.ctx.jobs.run(name, 'test');
  expect(r.status).toBe('done');
  return r as { processed: number; detail: { batches: number; days: number } };
};
const runAll = async () => {
  for (const name of t.ctx.jobs.names().filter((n) => n.startsWith('retention_'))) await run(name);
};
const exec = (sql: string, params: unknown[] = []) => t.ctx.db.tx((q) => q.exec(sql, params));
const n = (sql: string, params: unknown[] = []) => count(t, sql, params);

test('every helper table loses exactly the rows past its window, and nothing else', async () => {
  clock.set('2026-11-24T04:00:00Z');
  await setRetention({});
  const now = clock.now().getTime();
  const r = DEFAULT_RETENTION;
  // For each table: one row just past the window, one just inside it.
  const past = (days: number) => now - days * DAY - 1;
  const inside = (days: number) => now - days * DAY + 1000;
  await exec(
    'INSERT INTO checkin_requests (member_id, request_key, business_date, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
    [9001, 'old', '2026-10-01', past(r.checkinRequestsDays), 9001, 'new', '2026-10-30', inside(r.checkinRequestsDays)],
  );
  await exec(
    'INSERT INTO member_code_uses (member_id, step, store_id, staff_id, order_no, used_at) VALUES (?, 1, 1, 1, NULL, ?), (?, 2, 1, 1, NULL, ?)',
    [9001, past(r.codeUsesDays), 9001, inside(r.codeUsesDays)],
  );
  // Counters are keyed by the business date their period starts: 120 days before 2026-11-24 is 2026-07-27.
  await exec(
    "INSERT INTO daily_counters (scope, subject_id, business_date, amount) VALUES ('member_credit', 9001, '2026-07-26', 5), ('member_credit', 9001, '2026-07-27', 6)",
  );
  await exec(
    `INSERT INTO task_completions (member_id, task_code, period_key, points, growth, created_at) VALUES
      (9001, 'share_app', '2026-09-01', 5, 1, ?), (9001, 'share_app', '2026-09-26', 5, 1, ?), (9001, 'complete_profile', 'once', 50, 20, ?)`,
    [past(r.taskCompletionsDays), inside(r.taskCompletionsDays), past(r.taskCompletionsDays)],
  );
  const outbox = (key: string, status: string, sentAt: number | null) =>
    exec(
      `INSERT INTO outbox (dedupe_key, kind, member_id, payload_json, status, attempts, next_attempt_at, last_error, created_at, sent_at)
       VALUES (?, 'probe', 9001, '{}', ?, 0, 0, NULL, 0, ?)`,
      [key, status, sentAt],
    );
  await outbox('ret:sent-old', 'sent', past(r.outboxSentDays));
  await outbox('ret:sent-new', 'sent', inside(r.outboxSentDays));
  await outbox('ret:parked-old', 'parked', past(r.outboxParkedDays));
  await outbox('ret:parked-new', 'parked', past(r.outboxSentDays)); // past the sent window, inside the parked one
  await outbox('ret:pending-old', 'pending', null);
  await exec(
    `INSERT INTO inbox_messages (member_id, kind, title, body, page, dedupe_key, read_at, created_at)
     VALUES (9001, 'probe', 't', 'b', NULL, 'ret:inbox-old', NULL, ?), (9001, 'probe', 't', 'b', NULL, 'ret:inbox-new', NULL, ?)`,
    [past(r.inboxDays), inside(r.inboxDays)],
  );

  await runAll();
  expect(await t.ctx.db.read((q) => q.all('SELECT request_key FROM checkin_requests WHERE member_id = 9001'))).toEqual([
    { request_key: 'new' },
  ]);
  const steps = await t.ctx.db.read((q) =>
    q.all<{ step: number }>('SELECT step FROM member_code_uses WHERE member_id = 9001'),
  );
  expect(steps.map((s) => Number(s.step))).toEqual([2]);
  expect(await t.ctx.db.read((q) => q.all('SELECT business_date FROM daily_counters WHERE subject_id = 9001'))).toEqual(
    [{ business_date: '2026-07-27' }],
  );
  expect(
    await t.ctx.db.read((q) =>
      q.all('SELECT period_key FROM task_completions WHERE member_id = 9001 ORDER BY period_key'),
    ),
  ).toEqual([{ period_key: '2026-09-26' }, { period_key: 'once' }]);
  expect(
    await t.ctx.db.read((q) =>
      q.all("SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'ret:%' ORDER BY dedupe_key"),
    ),
  ).toEqual([{ dedupe_key: 'ret:parked-new' }, { dedupe_key: 'ret:pending-old' }, { dedupe_key: 'ret:sent-new' }]);
  expect(
    await t.ctx.db.read((q) => q.all("SELECT dedupe_key FROM inbox_messages WHERE dedupe_key LIKE 'ret:%'")),
  ).toEqual([{ dedupe_key: 'ret:inbox-new' }]);
  // A second run finds nothing more.
  expect((await run('retention_outbox_sent')).processed).toBe(0);
});

test('finished job runs past their window go; running ones and newer ones stay', async () => {
  clock.set('2026-11-24T04:00:00Z');
  await setRetention({});
  const now = clock.now().getTime();
  const days = DEFAULT_RETENTION.jobRunsDays;
  const runRow = (key: string, status: string, startedAt: number) =>
    exec(
      "INSERT INTO job_runs (job, run_key, status, processed, triggered_by, started_at) VALUES ('probe', ?, ?, 0, 'test', ?)",
      [key, status, startedAt],
    );
  await runRow('probe:old-done', 'done', now - days * DAY - 1);
  await runRow('probe:old-failed', 'failed', now - days * DAY - 1);
  await runRow('probe:old-running', 'running', now - days * DAY - 1);
  await runRow('probe:new-done', 'done', now - days * DAY + 1000);
  expect((await run('retention_job_runs')).processed).toBe(2);
  expect(
    await t.ctx.db.read((q) => q.all("SELECT run_key FROM job_runs WHERE job = 'probe' ORDER BY run_key")),
  ).toEqual([{ run_key: 'probe:new-done' }, { run_key: 'probe:old-running' }]);
  // The run just recorded for the retention job itself is kept.
  expect(await n("SELECT COUNT(*) AS n FROM job_runs WHERE job = 'retention_job_runs'")).toBeGreaterThan(0);
});

test('a large backlog goes in bounded batches, oldest first, in one run', async () => {
  clock.set('2026-11-24T04:00:00Z');
  await setRetention({});
  const old = clock.now().getTime() - 40 * DAY;
  const total = 2 * RETENTION_BATCH + 137;
  for (let i = 0; i < total; i += 500) {
    const rows = Array.from({ length: Math.min(500, total - i) }, (_, j) => i + j);
    await exec(
      `INSERT INTO checkin_requests (member_id, request_key, business_date, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
      rows.flatMap((k) => [8000 + (k % 50), `bulk-${k}`, '2026-10-15', old + k]),
    );
  }
  await exec(
    "INSERT INTO checkin_requests (member_id, request_key, business_date, created_at) VALUES (8000, 'keep', '2026-11-24', ?)",
    [clock.now().getTime()],
  );
  const r = await run('retention_checkin_requests');
  expect(r.processed).toBe(total);
  expect(r.detail.batches).toBe(3);
  expect(await n("SELECT COUNT(*) AS n FROM checkin_requests WHERE request_key LIKE 'bulk-%'")).toBe(0);
  expect(await n("SELECT COUNT(*) AS n FROM checkin_requests WHERE request_key = 'keep'")).toBe(1);
});

test('a check-in key replayed inside the window still answers its first day after retention ran', async () => {
  await setRetention({ checkinRequestsDays: 2 });
  clock.set('2026-11-24T15:59:00Z'); // 23:59 in Shanghai
  const m = await t.login('ret-checkin');
  const key = { 'idempotency-key': 'ret-checkin-key-0001' };
  const tap = () => t.http('POST', '/api/me/checkin', { token: m.token, headers: key });
  expect((await tap()).body).toMatchObject({ date: '2026-11-24', replayed: false });
  clock.set('2026-11-25T15:00:00Z'); // the next evening: inside the 2-day window
  await runAll();
  expect((await tap()).body).toMatchObject({ date: '2026-11-24', points: 10, replayed: true });
  expect(await n('SELECT COUNT(*) AS n FROM checkins WHERE member_id = ?', [m.memberId])).toBe(1);
  // Past the window the key is gone (by then the client has long given up retrying).
  clock.set('2026-11-27T04:00:00Z');
  await run('retention_checkin_requests');
  expect(await n('SELECT COUNT(*) AS n FROM checkin_requests WHERE member_id = ?', [m.memberId])).toBe(0);
});

test('a checkout replays and a used member code stays refused after retention ran', async () => {
  await setRetention({ codeUsesDays: 1, countersDays: 62, outboxSentDays: 1 });
  clock.set('2026-11-24T04:00:00Z');
  const m = await t.login('ret-checkout');
  const orderNo = nextOrderNo();
  clock.advance(30_000);
  const body = { memberCode: await codeFor(t, m.memberId), orderNo, amountCents: 8_800 };
  const post = (b: unknown) => t.http('POST', '/api/staff/checkout', { token: staff.token, body: b });
  const first = await post(body);
  expect(first.status).toBe(200);
  clock.advance(10_000); // the same 30 s step: the code is still valid
  await runAll();
  const replay = await post(body);
  expect(replay.status).toBe(200);
  expect(replay.body).toMatchObject({ replayed: true, balance: first.body.balance, points: first.body.points });
  const reuse = await post({ ...body, orderNo: nextOrderNo() });
  expect(reuse.status).toBe(409);
  expect(reuse.body.code).toBe('MEMBER_CODE_REPLAYED');
  expect(await n('SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  // Two days on, the code use is gone, and the order still replays from the order itself.
  clock.advance(2 * DAY);
  await run('retention_code_uses');
  expect(await n('SELECT COUNT(*) AS n FROM member_code_uses WHERE member_id = ?', [m.memberId])).toBe(0);
  const till = await t.staffToken('staff'); // the same store, a fresh sign-in
  const later = await checkout(t, till.token, m.memberId, 8_800, orderNo);
  expect(later.body).toMatchObject({ replayed: true, balance: first.body.balance });
});

test('windows below their idempotency floor are refused', async () => {
  await expect(setRetention({ checkinRequestsDays: 1 })).rejects.toThrow();
  await expect(setRetention({ countersDays: 30 })).rejects.toThrow();
  await expect(setRetention({ taskCompletionsDays: 7 })).rejects.toThrow();
  await setRetention({});
});

test('a message deleted with its outbox row is not reported missing; a newer one still is', async () => {
  await setRetention({ outboxSentDays: 30 });
  clock.set('2026-11-24T02:00:00Z');
  const birthdayToday = async (identity: string, birthday: string) => {
    const m = await t.login(identity);
    const res = await t.http('PATCH', '/api/me', { token: m.token, body: { birthday, privacyConsentVersion: 'v1' } });
    expect(res.status).toBe(200);
    return m.memberId;
  };
  const sendAll = () =>
    exec("UPDATE outbox SET status = 'sent', sent_at = ? WHERE status = 'pending'", [clock.now().getTime()]);
  const a = await birthdayToday('ret-bday-a', '1990-11-24');
  await run('birthday');
  await sendAll();
  clock.set('2027-01-10T02:00:00Z'); // 47 days on
  await run('retention_outbox_sent');
  expect(await n("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'birthday_gift' AND member_id = ?", [a])).toBe(0);
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  // A gift after the cutoff without its message is still caught.
  const b = await birthdayToday('ret-bday-b', '1990-01-10');
  await run('birthday');
  const row = await t.ctx.db.read((q) =>
    q.one<Record<string, unknown>>("SELECT * FROM outbox WHERE kind = 'birthday_gift' AND member_id = ?", [b]),
  );
  await exec('DELETE FROM outbox WHERE id = ?', [row!.id]);
  const broken = await checkInvariants(t.ctx.db);
  expect(broken.map((v) => v.invariant)).toEqual([
    'outbox: every birthday gift and referral reward has its notification',
  ]);
  const cols = Object.keys(row!);
  await exec(`INSERT INTO outbox (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, Object.values(row!));
});
