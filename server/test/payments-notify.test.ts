import { createVerify } from 'node:crypto';
import fs from 'node:fs';
import { startTestServer, type TestServer } from './harness';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { payKeyFile } from '../../scripts/fake-wechat/pay-keys';
import { events, newOrder, order, PURPOSE, registerTestPurpose, until, type Seen } from './payments-helpers';

let t: TestServer;
let seen: Seen;
let memberId: number;
let token: string;
beforeAll(async () => {
  t = await startTestServer();
  seen = registerTestPurpose(t);
  ({ memberId, token } = await t.login('payer'));
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const paidCount = (no: string) => seen.paid.filter((p) => p.outTradeNo === no).length;

test('an order: prepay from WeChat Pay, requestPayment signed with the merchant key; the same key gives the same order', async () => {
  const o = await newOrder(t, memberId, 1990, 'same-key');
  expect(o.prepayId).toBe(t.fake.pay.orders.get(o.outTradeNo)!.prepay_id);
  const rp = o.requestPayment;
  expect(rp.package).toBe(`prepay_id=${o.prepayId}`);
  const msg = `${t.ctx.config.pay!.appId}\n${rp.timeStamp}\n${rp.nonceStr}\n${rp.package}\n`;
  const pub = fs.readFileSync(payKeyFile('merchant-public'), 'utf8');
  expect(createVerify('RSA-SHA256').update(msg).verify(pub, rp.paySign, 'base64')).toBe(true);
  const again = await newOrder(t, memberId, 1990, 'same-key');
  expect(again.outTradeNo).toBe(o.outTradeNo);
  expect(again.prepayId).toBe(o.prepayId);
  await expect(newOrder(t, memberId, 2990, 'same-key')).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  expect(await events(t, o.outTradeNo)).toEqual([{ from_state: null, to_state: 'CREATED', source: 'create' }]);
});

test('a notification with a bad signature is refused with 401 and changes nothing', async () => {
  const o = await newOrder(t, memberId);
  await t.fake.pay.pay(o.outTradeNo, 'bad_signature');
  expect(t.fake.pay.notified.at(-1)).toMatchObject({ key: o.outTradeNo, status: 401 });
  // Unsigned, and signed headers on a different body: refused too.
  const unsigned = await t.http('POST', '/api/pay/notify', {
    body: {
      event_type: 'TRANSACTION.SUCCESS',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x', nonce: 'n' },
    },
  });
  expect(unsigned.status).toBe(401);
  expect(unsigned.body.code).toBe('PAY_SIGNATURE_INVALID');
  expect((await order(t, o.outTradeNo))!.state).toBe('CREATED');
  expect(await events(t, o.outTradeNo)).toHaveLength(1);
  expect(paidCount(o.outTradeNo)).toBe(0);
});

test('the same notification 20 times at once: one PAID transition, the handler runs once', async () => {
  const o = await newOrder(t, memberId, 500);
  await t.fake.pay.pay(o.outTradeNo, 'duplicate', { count: 20 });
  const answers = t.fake.pay.notified.filter((n) => n.key === o.outTradeNo).map((n) => n.status);
  expect(answers).toEqual(Array(20).fill(200));
  const row = await order(t, o.outTradeNo);
  expect(row!.state).toBe('PAID');
  expect(row!.transaction_id).toBe(t.fake.pay.orders.get(o.outTradeNo)!.transaction_id);
  expect(paidCount(o.outTradeNo)).toBe(1);
  expect(seen.paid.find((p) => p.outTradeNo === o.outTradeNo)).toMatchObject({ memberId, amountFen: 500 });
  expect((await events(t, o.outTradeNo)).map((e) => `${e.to_state}:${e.source}`)).toEqual([
    'CREATED:create',
    'PAID:notify',
  ]);
});

test('no notification: the sweep confirms by query after a minute; the member can ask too; a late notification is a no-op', async () => {
  const o = await newOrder(t, memberId);
  await t.fake.pay.pay(o.outTradeNo, 'none');
  // Too young for the sweep.
  expect((await t.ctx.payments.sweep()).synced).toBe(0);
  t.clock.advance(61_000);
  const r = await t.ctx.payments.sweep();
  expect(r.paid).toBeGreaterThanOrEqual(1);
  expect((await order(t, o.outTradeNo))!.state).toBe('PAID');
  expect((await events(t, o.outTradeNo)).at(-1)).toMatchObject({
    from_state: 'CREATED',
    to_state: 'PAID',
    source: 'query',
  });
  // The notification comes after all: answered SUCCESS, nothing runs twice.
  await t.fake.pay.pay(o.outTradeNo, 'normal');
  expect(t.fake.pay.notified.at(-1)).toMatchObject({ key: o.outTradeNo, status: 200 });
  expect(paidCount(o.outTradeNo)).toBe(1);

  const o2 = await newOrder(t, memberId);
  await t.fake.pay.pay(o2.outTradeNo, 'none');
  const mine = await t.http('POST', `/api/pay/orders/${o2.outTradeNo}/sync`, { token });
  expect(mine.status).toBe(200);
  expect(mine.body).toMatchObject({ outTradeNo: o2.outTradeNo, state: 'PAID', amountFen: 100 });
  expect(paidCount(o2.outTradeNo)).toBe(1);
});

test('a delayed notification racing the member\'s "I paid" confirms once', async () => {
  const o = await newOrder(t, memberId);
  await t.fake.pay.pay(o.outTradeNo, 'delay', { delayMs: 5 });
  await Promise.all(Array.from({ length: 5 }, () => t.http('POST', `/api/pay/orders/${o.outTradeNo}/sync`, { token })));
  await until(() => t.fake.pay.notified.some((n) => n.key === o.outTradeNo));
  expect(paidCount(o.outTradeNo)).toBe(1);
  expect((await events(t, o.outTradeNo)).filter((e) => e.to_state === 'PAID')).toHaveLength(1);
});

test('unpaid past its time: closed at WeChat Pay and here; a failed payment too; one paid meanwhile is marked paid instead', async () => {
  const unpaid = await newOrder(t, memberId);
  const failed = await newOrder(t, memberId);
  const paidLate = await newOrder(t, memberId);
  await t.fake.pay.pay(failed.outTradeNo, 'fail');
  t.clock.advance(5 * 60_000);
  await t.ctx.payments.sweep();
  // Still open: not past the 15 minutes yet.
  expect((await order(t, unpaid.outTradeNo))!.state).toBe('CREATED');
  await t.fake.pay.pay(paidLate.outTradeNo, 'none');
  t.clock.advance(11 * 60_000);
  await t.ctx.payments.sweep();
  expect((await order(t, unpaid.outTradeNo))!.state).toBe('CLOSED');
  expect(t.fake.pay.orders.get(unpaid.outTradeNo)!.trade_state).toBe('CLOSED');
  expect((await order(t, failed.outTradeNo))!.state).toBe('CLOSED');
  expect((await order(t, paidLate.outTradeNo))!.state).toBe('PAID');
  expect((await events(t, unpaid.outTradeNo)).at(-1)).toMatchObject({ to_state: 'CLOSED', source: 'close' });
  // A closed order is not offered again.
  const row = await t.ctx.db.read((q) =>
    q.one<{ idem_key: string; purpose_ref: string; openid: string }>(
      'SELECT idem_key, purpose_ref, openid FROM pay_orders WHERE out_trade_no = ?',
      [unpaid.outTradeNo],
    ),
  );
  const retry = {
    memberId,
    openid: row!.openid,
    purpose: PURPOSE,
    purposeRef: row!.purpose_ref,
    amountFen: 100,
    description: '测试商品',
    idempotencyKey: row!.idem_key,
  };
  await expect(t.ctx.payments.createJsapiOrder(retry)).rejects.toMatchObject({ code: 'PAY_ORDER_NOT_PAID' });
});

test('members see only their own orders', async () => {
  const o = await newOrder(t, memberId);
  const other = await t.login('someone-else');
  expect((await t.http('GET', `/api/pay/orders/${o.outTradeNo}`, { token: other.token })).status).toBe(404);
  expect((await t.http('POST', `/api/pay/orders/${o.outTradeNo}/sync`, { token: other.token })).status).toBe(404);
  const mine = await t.http('GET', `/api/pay/orders/${o.outTradeNo}`, { token });
  expect(mine.status).toBe(200);
  expect(mine.body).not.toHaveProperty('transactionId');
});

test('WeChat Pay unreachable when ordering: 503 PAY_UNAVAILABLE; the order is left CREATED and the sweep closes it', async () => {
  t.fake.failNext('/v3/pay/transactions/jsapi', 'drop');
  await expect(newOrder(t, memberId, 100, 'down-1')).rejects.toMatchObject({ code: 'PAY_UNAVAILABLE' });
  const row = await t.ctx.db.read((q) =>
    q.one<{ out_trade_no: string; state: string }>(
      "SELECT out_trade_no, state FROM pay_orders WHERE idem_key = 'down-1'",
    ),
  );
  expect(row!.state).toBe('CREATED');
  t.clock.advance(16 * 60_000);
  await t.ctx.payments.sweep();
  expect((await order(t, row!.out_trade_no))!.state).toBe('CLOSED');
});

test('sweeps on several instances at once: one holds the lease, each order is confirmed once', async () => {
  const orders = await Promise.all(Array.from({ length: 5 }, () => newOrder(t, memberId)));
  for (const o of orders) await t.fake.pay.pay(o.outTradeNo, 'none');
  t.clock.advance(61_000);
  const runs = await Promise.all(Array.from({ length: 4 }, () => t.ctx.payments.sweep()));
  expect(runs.filter((r) => r.synced > 0)).toHaveLength(1);
  for (const o of orders) {
    expect((await order(t, o.outTradeNo))!.state).toBe('PAID');
    expect(paidCount(o.outTradeNo)).toBe(1);
  }
});
