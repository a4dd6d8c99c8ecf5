import { ErrorBody, PointsEntriesPage, PointsSummary } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { invariant1Violations, scalar, sweepExpired } from './ledger-invariants';

/** The member-facing points API (summary, history) and the operator adjustment endpoint. */
let t: TestServer;
let op: { token: string; staffId: number };
beforeAll(async () => {
  t = await startTestServer();
});
beforeEach(async () => {
  op = await t.staffToken('operator');
}); // staff tokens live 12 h; the tests move the clock by months
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await invariant1Violations(t)).toEqual([]);
});

const at = (iso: string) => t.clock.set(iso);
const credit = (memberId: number, points: number, key: string) =>
  t.ctx.ledger.credit({ key, memberId, points, type: 'credit', reason: 'test', ref: null });
const debit = (memberId: number, points: number, key: string) =>
  t.ctx.ledger.debit({ key, memberId, points, type: 'debit', reason: 'test', ref: null });
/** A fresh token at the current clock (tokens from a year ago have expired). */
const summary = async (identity: string) => {
  const r = await t.http('GET', '/api/me/points', { token: (await t.login(identity)).token });
  expect(r.status).toBe(200);
  // Without a pending window (points.pendingDays = 0) nothing is ever pending.
  const { pending, ...rest } = PointsSummary.parse(r.body);
  expect(pending).toEqual({ total: 0, items: [] });
  return rest;
};
const adjust = (token: string, body: unknown) => t.http('POST', '/api/admin/points/adjustments', { token, body });

test('GET /api/me/points: spendable balance and the lots expiring within 30 days, per lot, at the window edges', async () => {
  at('2026-01-10T04:00:00Z');
  const m = await t.login('pa-sum');
  const other = await t.login('pa-sum-other');
  await credit(m.memberId, 10, 'pa-s-l1'); // expires 2027-02-01 00:00 Shanghai = 2027-01-31T16:00Z
  at('2026-02-03T04:00:00Z');
  await credit(m.memberId, 20, 'pa-s-l2'); // 2027-02-28T16:00Z
  await credit(other.memberId, 7, 'pa-s-other');
  t.clock.advance(1000);
  await credit(m.memberId, 5, 'pa-s-l2b'); // same expiry: listed as its own lot
  at('2026-03-03T04:00:00Z');
  await credit(m.memberId, 40, 'pa-s-l3'); // 2027-03-31T16:00Z
  at('2026-06-01T04:00:00Z');
  await debit(m.memberId, 4, 'pa-s-spend'); // from l1: 6 left there
  expect(await summary('pa-sum')).toEqual({ balance: 71, expiringSoon: { withinDays: 30, total: 0, lots: [] } });

  at('2027-01-20T00:00:00Z'); // window ends 2027-02-19: only l1 (what is left of it)
  expect(await summary('pa-sum')).toEqual({
    balance: 71,
    expiringSoon: { withinDays: 30, total: 6, lots: [{ points: 6, expiresAt: '2027-01-31T16:00:00.000Z' }] },
  });

  at('2027-02-01T00:00:00Z'); // l1 is past its time (not yet swept): not spendable, not "expiring"
  expect(await summary('pa-sum')).toEqual({
    balance: 65,
    expiringSoon: {
      withinDays: 30,
      total: 25,
      lots: [
        { points: 20, expiresAt: '2027-02-28T16:00:00.000Z' },
        { points: 5, expiresAt: '2027-02-28T16:00:00.000Z' },
      ],
    },
  });
  expect(await summary('pa-sum-other')).toEqual({
    balance: 7,
    expiringSoon: { withinDays: 30, total: 7, lots: [{ points: 7, expiresAt: '2027-02-28T16:00:00.000Z' }] },
  });

  at('2027-03-01T15:59:59.999Z'); // l3 expires 30 days + 1 ms from now: outside the window
  expect(await summary('pa-sum')).toEqual({ balance: 40, expiringSoon: { withinDays: 30, total: 0, lots: [] } });
  at('2027-03-01T16:00:00.000Z'); // exactly 30 days: inside
  expect(await summary('pa-sum')).toEqual({
    balance: 40,
    expiringSoon: { withinDays: 30, total: 40, lots: [{ points: 40, expiresAt: '2027-03-31T16:00:00.000Z' }] },
  });
  at('2027-03-31T15:59:59.999Z');
  expect((await summary('pa-sum')).balance).toBe(40);
  at('2027-03-31T16:00:00.000Z');
  expect(await summary('pa-sum')).toEqual({ balance: 0, expiringSoon: { withinDays: 30, total: 0, lots: [] } });

  expect(await sweepExpired(t, [m.memberId, other.memberId])).toBe(6 + 25 + 40 + 7);
  expect(await summary('pa-sum')).toEqual({ balance: 0, expiringSoon: { withinDays: 30, total: 0, lots: [] } });
});

test('GET /api/me/points/entries: keyset pages with no repeats or gaps, stable while entries are added', async () => {
  at('2027-04-01T04:00:00Z');
  const m = await t.login('pa-pages');
  const other = await t.login('pa-pages-other');
  // Three bursts; entries inside a burst share created_at, so the id breaks the tie.
  for (let i = 0; i < 9; i++) await credit(m.memberId, i + 1, `pa-p-a${i}`);
  await credit(other.memberId, 99, 'pa-p-other');
  t.clock.advance(1000);
  for (let i = 0; i < 9; i++) await credit(m.memberId, 10 + i, `pa-p-b${i}`);
  t.clock.advance(60_000);
  for (let i = 0; i < 5; i++) await debit(m.memberId, 1, `pa-p-c${i}`);
  const expected = (
    await t.ctx.db.read((q) =>
      q.all<{ id: unknown }>('SELECT id FROM points_entries WHERE member_id = ? ORDER BY created_at DESC, id DESC', [
        m.memberId,
      ]),
    )
  ).map((r) => String(r.id));
  expect(expected).toHaveLength(23);

  const seen: string[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r: { status: number; body: unknown } = await t.http(
      'GET',
      `/api/me/points/entries?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: m.token },
    );
    expect(r.status).toBe(200);
    const page = PointsEntriesPage.parse(r.body);
    seen.push(...page.items.map((x) => x.id));
    pageSizes.push(page.items.length);
    cursor = page.nextCursor;
    if (++pages === 2) {
      // Entries added while paging are newer than the cursor: they do not shift later pages.
      t.clock.advance(1000);
      await credit(m.memberId, 3, 'pa-p-late');
    }
  } while (cursor && pages < 20);
  expect(seen).toEqual(expected);
  expect(pageSizes).toEqual([5, 5, 5, 5, 3]);

  const first = await t.http('GET', '/api/me/points/entries', { token: m.token });
  expect(first.body.items).toHaveLength(20); // default limit
  expect(first.body.items[0]).toMatchObject({
    delta: 3,
    type: 'credit',
    reason: 'test',
    balanceAfter: 45 + 126 - 5 + 3,
  });
  const all = await t.http('GET', '/api/me/points/entries?limit=100', { token: m.token });
  expect([all.body.items.length, all.body.nextCursor]).toEqual([24, null]);
  expect(all.body.items.some((x: { delta: number }) => x.delta === 99)).toBe(false); // the other member's entry
  const one = await t.http('GET', '/api/me/points/entries?limit=1', { token: m.token });
  expect(one.body.items).toHaveLength(1);
  expect(one.body.nextCursor).toEqual(expect.any(String));
});

test('GET /api/me/points/entries refuses bad limits and cursors with 400 and the error body', async () => {
  const m = await t.login('pa-badq');
  await credit(m.memberId, 5, 'pa-b-1');
  const bad = [
    'limit=0',
    'limit=101',
    'limit=-1',
    'limit=1.5',
    'limit=abc',
    'limit=',
    'limit=1&limit=2',
    'limit=1e9',
    'cursor=@@@',
    `cursor=${Buffer.from('1.2.3').toString('base64url')}`,
    `cursor=${Buffer.from('x.1').toString('base64url')}`,
    `cursor=${'A'.repeat(201)}`,
    `cursor=${Buffer.from('-5.1').toString('base64url')}`,
    'memberId=1',
    'cursor=a&cursor=b',
  ];
  for (const qs of bad) {
    const r = await t.http('GET', `/api/me/points/entries?${qs}`, { token: m.token });
    expect([qs, r.status, r.body.code]).toEqual([qs, 400, 'VALIDATION_FAILED']);
    expect(ErrorBody.safeParse(r.body).success).toBe(true);
  }
  for (const qs of ['limit=1', 'limit=100']) {
    expect([qs, (await t.http('GET', `/api/me/points/entries?${qs}`, { token: m.token })).status]).toEqual([qs, 200]);
  }
});

test('an adjustment writes its ledger entry and its audit row together; a replay writes neither again', async () => {
  const m = await t.login('pa-audit');
  const auditRows = () =>
    scalar(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'points.adjust' AND target_id = ?", [
      String(m.memberId),
    ]);
  const r = await adjust(op.token, {
    memberId: String(m.memberId),
    delta: 120,
    reason: 'goodwill for a late delivery',
    idempotencyKey: 'pa-audit-0001',
  });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ memberId: String(m.memberId), delta: 120, balanceAfter: 120, replayed: false });
  const row = await t.ctx.db.read((q) =>
    q.one<Record<string, unknown>>("SELECT * FROM audit_log WHERE action = 'points.adjust' AND target_id = ?", [
      String(m.memberId),
    ]),
  );
  expect(row).toMatchObject({
    actor_type: 'operator',
    target_type: 'member',
    reason: 'goodwill for a late delivery',
    request_id: r.headers.get('x-request-id'),
  });
  expect(Number(row!.actor_id)).toBe(op.staffId);
  expect(JSON.parse(String(row!.before_json))).toEqual({ balance: 0 });
  expect(JSON.parse(String(row!.after_json))).toEqual({ balance: 120, entryId: Number(r.body.entryId) });
  const entry = await t.ctx.db.read((q) =>
    q.one<Record<string, unknown>>('SELECT * FROM points_entries WHERE id = ?', [Number(r.body.entryId)]),
  );
  expect(entry).toMatchObject({ type: 'adjust', reason: 'manual_credit', note: 'goodwill for a late delivery' });
  expect(Number(entry!.operator_id)).toBe(op.staffId);

  const again = await adjust(op.token, {
    memberId: String(m.memberId),
    delta: 120,
    reason: 'goodwill for a late delivery',
    idempotencyKey: 'pa-audit-0001',
  });
  expect(again.body).toEqual({ ...r.body, replayed: true });
  expect(await auditRows()).toBe(1);
  // A refused debit leaves no trace in either table.
  const refused = await adjust(op.token, {
    memberId: String(m.memberId),
    delta: -121,
    reason: 'too much',
    idempotencyKey: 'pa-audit-0002',
  });
  expect([refused.status, refused.body.code]).toEqual([409, 'INSUFFICIENT_POINTS']);
  expect(await auditRows()).toBe(1);
  expect(await scalar(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  // The operator console reads the same row.
  const log = await t.http('GET', '/api/admin/audit?action=points.adjust', { token: op.token });
  expect(log.body.items.find((a: { targetId: string }) => a.targetId === String(m.memberId))).toMatchObject({
    actorType: 'operator',
    actorId: String(op.staffId),
    reason: 'goodwill for a late delivery',
  });
});

test('when the audit row cannot be written, the points change rolls back with it', async () => {
  const m = await t.login('pa-atomic');
  const ddl = (sql: string) => t.ctx.db.tx((q) => q.exec(sql));
  await ddl('ALTER TABLE audit_log RENAME TO audit_log_away');
  let r;
  try {
    r = await adjust(op.token, {
      memberId: String(m.memberId),
      delta: 50,
      reason: 'should not stick',
      idempotencyKey: 'pa-atomic-001',
    });
  } finally {
    await ddl('ALTER TABLE audit_log_away RENAME TO audit_log');
  }
  expect([r.status, r.body.code]).toEqual([500, 'INTERNAL']);
  expect(JSON.stringify(r.body)).not.toMatch(/audit_log|SQL|ER_/i); // internals stay in the log
  expect(await scalar(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(0);
  expect(await scalar(t, 'SELECT COUNT(*) AS n FROM points_lots WHERE member_id = ?', [m.memberId])).toBe(0);
  expect(await scalar(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(0);
  // The same key works once the table is back: nothing of the failed attempt was kept.
  const retry = await adjust(op.token, {
    memberId: String(m.memberId),
    delta: 50,
    reason: 'should not stick',
    idempotencyKey: 'pa-atomic-001',
  });
  expect(retry.body).toMatchObject({ balanceAfter: 50, replayed: false });
});

test('adjustments need an operator: no token, member, staff and manager tokens are refused and write nothing', async () => {
  const m = await t.login('pa-authz');
  const staff = await t.staffToken('staff');
  const manager = await t.staffToken('manager');
  const before = [
    await scalar(t, 'SELECT COUNT(*) AS n FROM points_entries'),
    await scalar(t, 'SELECT COUNT(*) AS n FROM audit_log'),
  ];
  const body = (k: string) => ({
    memberId: String(m.memberId),
    delta: 10,
    reason: 'not allowed',
    idempotencyKey: `pa-authz-${k}`,
  });
  const cases: [string, string | undefined, number, string][] = [
    ['none', undefined, 401, 'UNAUTHENTICATED'],
    ['member', m.token, 401, 'TOKEN_INVALID'],
    ['staff', staff.token, 403, 'FORBIDDEN'],
    ['manager', manager.token, 403, 'FORBIDDEN'],
    ['garbage', 'not-a-token-at-all', 401, 'TOKEN_INVALID'],
  ];
  for (const [name, token, status, code] of cases) {
    const r = await adjust(token as string, body(name));
    expect([name, r.status, r.body.code]).toEqual([name, status, code]);
  }
  expect([
    await scalar(t, 'SELECT COUNT(*) AS n FROM points_entries'),
    await scalar(t, 'SELECT COUNT(*) AS n FROM audit_log'),
  ]).toEqual(before);
  expect((await adjust(op.token, body('operator'))).status).toBe(200);
});
