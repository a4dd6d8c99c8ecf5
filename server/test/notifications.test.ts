import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { OutboxWorker } from '../src/modules/notifications/worker';
import { enqueueIn } from '../src/modules/notifications/outbox';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ persistent: true });
});
afterAll(async () => {
  await t.close();
});
// 12:00 in Shanghai: outside quiet hours.
beforeEach(() => {
  (t.clock as unknown as { t: Date }).t = new Date('2026-11-24T04:00:00Z');
});

const SEND = '/cgi-bin/message/subscribe/send';
const subscribe = (token: string, templateId = 'TPL_TIER_CHANGED', result = 'accept') =>
  t.http('POST', '/api/me/subscriptions', { token, body: { results: [{ templateId, result }] } });
let seq = 0;
const enqueue = (
  memberId: number,
  kind = 'tier_changed',
  payload: Record<string, unknown> = {
    from: 'normal',
    to: 'silver',
    fromName: '普卡',
    toName: '银卡',
    direction: 'up',
  },
) =>
  t.ctx.db.tx((q) =>
    enqueueIn(q, { dedupeKey: `test:${++seq}`, kind: kind as never, memberId, payload }, t.clock.now()),
  );
const row = (key: string) =>
  t.ctx.db.read((q) =>
    q.one<{
      status: string;
      channel: string | null;
      attempts: number;
      last_error: string | null;
      next_attempt_at: number;
    }>('SELECT status, channel, attempts, last_error, next_attempt_at FROM outbox WHERE dedupe_key = ?', [key]),
  );
const allowance = async (memberId: number, key = 'tier_changed') =>
  Number(
    (
      await t.ctx.db.read((q) =>
        q.one<{ allowance: number }>(
          'SELECT allowance FROM subscription_allowances WHERE member_id = ? AND template_key = ?',
          [memberId, key],
        ),
      )
    )?.allowance ?? 0,
  );

test('a crash between commit and send loses nothing: the row is sent after a restart', async () => {
  const m = await t.login('nt-crash');
  await subscribe(m.token);
  const staff = await t.staffToken('staff');
  expect((await checkout(t, staff.token, m.memberId, 300_000)).body.tierChanged).toEqual({
    from: 'normal',
    to: 'silver',
  });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND status = 'pending'", [m.memberId]),
  ).toBe(1);
  await t.restart(); // the process died before any worker ran
  const before = t.fake.sent.length;
  const r = await t.ctx.outbox.drain();
  expect(r.sent).toBeGreaterThanOrEqual(1);
  expect(t.fake.sent.slice(before).filter((s) => s.template_id === 'TPL_TIER_CHANGED')).toHaveLength(1);
  expect(t.fake.sent[t.fake.sent.length - 1].data).toMatchObject({ phrase2: { value: '银卡' } });
  const inbox = await t.http('GET', '/api/me/messages', { token: (await t.login('nt-crash')).token });
  expect(inbox.body.items[0]).toMatchObject({ kind: 'tier_changed', title: '会员等级升级', read: false });
  expect(await allowance(m.memberId)).toBe(0);
});

test('two workers draining at once never send a row twice', async () => {
  const members = await Promise.all(Array.from({ length: 15 }, (_, i) => t.login(`nt-two-${i}`)));
  for (const m of members) {
    await subscribe(m.token);
    await subscribe(m.token);
  }
  for (const m of members) {
    await enqueue(m.memberId);
    await enqueue(m.memberId);
  }
  const before = t.fake.sent.length;
  const second = new OutboxWorker(
    t.ctx.db,
    t.clock,
    t.ctx.settings,
    t.ctx.wechatMessages,
    t.ctx.inbox,
    'Asia/Shanghai',
    t.ctx.logger,
    'formal',
  );
  const [a, b] = await Promise.all([t.ctx.outbox.drain(1000, 3), second.drain(1000, 3)]);
  expect(a.claimed + b.claimed).toBe(30);
  expect(a.sent + b.sent).toBe(30);
  expect(t.fake.sent.length - before).toBe(30);
  expect(await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'")).toBe(0);
});

test.each([
  [43101, 'sent', 'inbox', 0, 'no allowance: inbox only, allowance used up'],
  [-1, 'pending', null, 2, 'busy: retry later, allowance kept'],
  ['drop', 'pending', null, 2, 'network error: retry later'],
  [40003, 'parked', 'inbox', 2, 'invalid openid: parked'],
  [40037, 'parked', 'inbox', 2, 'invalid template: parked'],
  [47003, 'parked', 'inbox', 2, 'bad data: parked'],
  [41030, 'parked', 'inbox', 2, 'bad page: parked'],
] as const)('WeChat answers %p -> %s (%s)', async (errcode, status, channel, left) => {
  const m = await t.login(`nt-err-${errcode}`);
  await subscribe(m.token);
  await subscribe(m.token);
  await enqueue(m.memberId);
  const key = `test:${seq}`;
  t.fake.failNext(SEND, errcode, 1);
  await t.ctx.outbox.drain();
  const r = await row(key);
  expect(r).toMatchObject({ status, channel });
  expect(await allowance(m.memberId)).toBe(left);
  if (status === 'pending') {
    expect(Number(r!.attempts)).toBe(1);
    expect(Number(r!.next_attempt_at)).toBeGreaterThan(t.clock.now().getTime());
    t.clock.advance(3_600_000);
    await t.ctx.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'sent', channel: 'wechat' });
  }
  if (status === 'parked') expect(r!.last_error).toContain(String(errcode));
  expect(await count(t, 'SELECT COUNT(*) AS n FROM inbox_messages WHERE dedupe_key = ?', [key])).toBe(1);
});

test('40001 and 42001 refresh the access token and send at once', async () => {
  const m = await t.login('nt-token');
  await subscribe(m.token);
  await subscribe(m.token);
  await enqueue(m.memberId);
  t.fake.failNext(SEND, 40001, 1);
  await t.ctx.outbox.drain();
  expect(await row(`test:${seq}`)).toMatchObject({ status: 'sent', channel: 'wechat' });
  const tokens = t.fake.issuedTokens.length;
  t.fake.expireTokens();
  await enqueue(m.memberId);
  await t.ctx.outbox.drain();
  expect(await row(`test:${seq}`)).toMatchObject({ status: 'sent', channel: 'wechat' });
  expect(t.fake.issuedTokens.length).toBe(tokens + 1);
});

test('retries give up after maxAttempts and park the row', async () => {
  const m = await t.login('nt-giveup');
  await subscribe(m.token);
  await enqueue(m.memberId);
  t.fake.failNext(SEND, -1, 6); // exactly maxAttempts failures
  // Backoff stays under 10 minutes for the first attempts; 15-minute steps keep us out of quiet hours.
  for (let i = 0; i < 8; i++) {
    await t.ctx.outbox.drain();
    t.clock.advance(15 * 60_000);
  }
  const r = await row(`test:${seq}`);
  expect(r).toMatchObject({ status: 'parked' });
  expect(r!.last_error).toContain('gave up after 6 attempts');
  expect(await allowance(m.memberId)).toBe(1); // every failed try gave its allowance back
});

test('quiet hours hold WeChat sends until 08:00; the inbox gets it at once', async () => {
  (t.clock as unknown as { t: Date }).t = new Date('2026-11-24T15:30:00Z'); // 23:30 in Shanghai
  const m = await t.login('nt-quiet');
  await subscribe(m.token);
  await enqueue(m.memberId);
  const before = t.fake.sent.length;
  await t.ctx.outbox.drain();
  const r = await row(`test:${seq}`);
  expect(r!.status).toBe('pending');
  expect(new Date(Number(r!.next_attempt_at)).toISOString()).toBe('2026-11-25T00:00:00.000Z'); // 08:00 Shanghai
  expect(t.fake.sent.length).toBe(before);
  expect((await t.http('GET', '/api/me/messages/unread-count', { token: m.token })).body.unread).toBe(1);
  (t.clock as unknown as { t: Date }).t = new Date('2026-11-25T00:00:01Z');
  await t.ctx.outbox.drain();
  expect(await row(`test:${seq}`)).toMatchObject({ status: 'sent', channel: 'wechat' });
});

test('without an allowance the inbox is the channel; a ban stops the template', async () => {
  const m = await t.login('nt-inbox');
  await enqueue(m.memberId);
  await t.ctx.outbox.drain();
  expect(await row(`test:${seq}`)).toMatchObject({ status: 'sent', channel: 'inbox' });
  await subscribe(m.token);
  const banned = await subscribe(m.token, 'TPL_TIER_CHANGED', 'ban');
  expect(banned.body.templates.find((x: { key: string }) => x.key === 'tier_changed')).toMatchObject({
    allowance: 0,
    banned: true,
  });
  expect((await subscribe(m.token, 'TPL_UNKNOWN')).status).toBe(200);
  expect(
    (
      await t.http('POST', '/api/me/subscriptions', {
        token: m.token,
        body: { results: [{ templateId: 'x', result: 'maybe' }] },
      })
    ).status,
  ).toBe(400);
});

test("inbox: list, unread count, mark read; nobody marks another member's message", async () => {
  const a = await t.login('nt-box-a');
  const b = await t.login('nt-box-b');
  await enqueue(a.memberId);
  await enqueue(a.memberId, 'birthday_gift', { points: 100 });
  await t.ctx.outbox.drain();
  const list = await t.http('GET', '/api/me/messages?limit=1', { token: a.token });
  expect(list.body).toMatchObject({ unread: 2, items: [{ kind: 'birthday_gift', title: '生日快乐' }] });
  const page2 = await t.http('GET', `/api/me/messages?limit=1&cursor=${list.body.nextCursor}`, { token: a.token });
  expect(page2.body.items[0].kind).toBe('tier_changed');
  expect((await t.http('POST', `/api/me/messages/${list.body.items[0].id}/read`, { token: b.token })).status).toBe(404);
  expect((await t.http('POST', `/api/me/messages/${list.body.items[0].id}/read`, { token: a.token })).body.unread).toBe(
    1,
  );
  expect((await t.http('POST', '/api/me/messages/read-all', { token: a.token })).body.unread).toBe(0);
});
