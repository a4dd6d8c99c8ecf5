import { startTestServer, type TestServer } from './harness';
import { newOrder, order, registerTestPurpose, until } from './payments-helpers';

/** WeChat Pay's series in the scrape: orders, refunds, refused notifications and API errors. */
let t: TestServer;
let memberId: number;
beforeAll(async () => {
  t = await startTestServer();
  registerTestPurpose(t);
  ({ memberId } = await t.login('metrics-payer'));
});
afterAll(async () => {
  await t.close();
});

/** The value of one series in the scrape (0 when absent). */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const body = (await t.ctx.metrics.scrape()).body;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (m && m[1] === name && want.every((w) => m[2].split(',').includes(w))) return Number(m[3]);
  }
  return 0;
}
const ORDERS = 'huiyuan_pay_orders_total';

test('orders created, paid by notification (a duplicate counts once) and by query, closed when unpaid', async () => {
  const a = await newOrder(t, memberId, 100);
  await newOrder(t, memberId, 100); // a second, never paid
  expect(await sample(ORDERS, { event: 'created', source: 'create' })).toBe(2);
  await t.fake.pay.pay(a.outTradeNo, 'duplicate', { count: 5 });
  expect(await sample(ORDERS, { event: 'paid', source: 'notify' })).toBe(1);

  const b = await newOrder(t, memberId, 100);
  await t.fake.pay.pay(b.outTradeNo, 'none');
  t.clock.advance(61_000);
  await t.ctx.payments.sweep();
  expect((await order(t, b.outTradeNo))!.state).toBe('PAID');
  expect(await sample(ORDERS, { event: 'paid', source: 'query' })).toBe(1);
  expect(await sample(ORDERS, { event: 'paid', source: 'notify' })).toBe(1);

  t.clock.advance(16 * 60_000);
  await t.ctx.payments.sweep();
  expect(await sample(ORDERS, { event: 'closed', source: 'close' })).toBe(1);
  expect(await sample(ORDERS, { event: 'created', source: 'create' })).toBe(3);
});

test('a notification with a bad signature is counted as refused', async () => {
  const o = await newOrder(t, memberId);
  await t.fake.pay.pay(o.outTradeNo, 'bad_signature');
  expect(await sample('huiyuan_pay_notify_refused_total', { reason: 'signature' })).toBe(1);
  const unsigned = await t.http('POST', '/api/pay/notify', {
    body: {
      event_type: 'TRANSACTION.SUCCESS',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x', nonce: 'n' },
    },
  });
  expect(unsigned.status).toBe(401);
  expect(await sample('huiyuan_pay_notify_refused_total', { reason: 'serial' })).toBe(1);
  expect((await order(t, o.outTradeNo))!.state).toBe('CREATED');
});

test('refunds by the state they reached', async () => {
  const paid = async (fen: number) => {
    const o = await newOrder(t, memberId, fen);
    await t.fake.pay.pay(o.outTradeNo);
    return o.outTradeNo;
  };
  const refund = (no: string, fen: number, key: string) =>
    t.ctx.payments.refund({ outTradeNo: no, amountFen: fen, reason: 'test', idempotencyKey: key });
  t.fake.pay.refundMode = 'sync';
  const one = await paid(300);
  await refund(one, 100, 'r1');
  await refund(one, 100, 'r1'); // a replay counts nothing
  expect(await sample('huiyuan_pay_refunds_total', { state: 'SUCCESS' })).toBe(1);
  t.fake.pay.refundMode = 'close';
  await refund(one, 100, 'r2');
  await until(async () => (await sample('huiyuan_pay_refunds_total', { state: 'CLOSED' })) === 1);
  expect(await sample('huiyuan_pay_refunds_total', { state: 'SUCCESS' })).toBe(1);
});

test('WeChat Pay API errors by API and code: unreachable, then the order it never had', async () => {
  t.fake.failNext('/v3/pay/transactions/jsapi', 'drop');
  await expect(newOrder(t, memberId, 100, 'metrics-down')).rejects.toMatchObject({ code: 'PAY_UNAVAILABLE' });
  expect(await sample('huiyuan_pay_api_errors_total', { api: 'jsapi', code: 'network' })).toBe(1);
  const closedBefore = await sample(ORDERS, { event: 'closed', source: 'close' });
  t.clock.advance(16 * 60_000);
  await t.ctx.payments.sweep();
  expect(await sample('huiyuan_pay_api_errors_total', { api: 'query', code: 'ORDER_NOT_EXIST' })).toBe(1);
  expect(await sample(ORDERS, { event: 'closed', source: 'close' })).toBeGreaterThan(closedBefore);
});
