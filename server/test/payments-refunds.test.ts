import { startTestServer, type TestServer } from './harness';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { events, newOrder, order, registerTestPurpose, until, type Seen } from './payments-helpers';

let t: TestServer;
let seen: Seen;
let memberId: number;
let op: string;
beforeAll(async () => {
  t = await startTestServer();
  seen = registerTestPurpose(t);
  ({ memberId } = await t.login('refundee'));
});
beforeEach(async () => {
  op = (await t.staffToken('operator')).token;
  t.fake.pay.refundMode = 'async';
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

let keys = 0;
const refund = (no: string, amountFen: number, key = `refund-key-${++keys}`) =>
  t.http('POST', `/api/admin/pay/orders/${no}/refunds`, {
    token: op,
    body: { amountFen, reason: '会员退订' },
    headers: { 'idempotency-key': key },
  });
async function paidOrder(amountFen: number) {
  const o = await newOrder(t, memberId, amountFen);
  await t.fake.pay.pay(o.outTradeNo);
  expect((await order(t, o.outTradeNo))!.state).toBe('PAID');
  return o.outTradeNo;
}

test('partial then full refund: PARTIALLY_REFUNDED, then REFUNDED; onRefunded once per refund; no more after', async () => {
  const no = await paidOrder(10_000);
  const first = await refund(no, 3_000);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ outTradeNo: no, amountFen: 3_000, state: 'PROCESSING' });
  await until(async () => (await order(t, no))!.state === 'PARTIALLY_REFUNDED');
  expect((await order(t, no))!.refunded_fen).toBe(3_000);
  const rest = await refund(no, 7_000);
  expect(rest.status).toBe(200);
  await until(async () => (await order(t, no))!.state === 'REFUNDED');
  expect(seen.refunded.filter((r) => r.outTradeNo === no).map((r) => r.amountFen)).toEqual([3_000, 7_000]);
  expect((await events(t, no)).map((e) => e.to_state)).toEqual([
    'CREATED',
    'PAID',
    'REFUNDING',
    'PARTIALLY_REFUNDED',
    'REFUNDING',
    'REFUNDED',
  ]);
  const more = await refund(no, 1);
  expect(more.status).toBe(409);
  expect(more.body.code).toBe('PAY_ORDER_NOT_PAID');
  // The operator's view and the revenue.
  const detail = await t.http('GET', `/api/admin/pay/orders/${no}`, { token: op });
  expect(detail.body).toMatchObject({
    state: 'REFUNDED',
    refundedFen: 10_000,
    refunds: [{ state: 'SUCCESS' }, { state: 'SUCCESS' }],
  });
  const from = new Date(t.clock.now().getTime() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const rev = await t.http('GET', `/api/admin/pay/revenue?from=${from}&to=${to}`, { token: op });
  expect(rev.status).toBe(200);
  expect(rev.body.paid.fen).toBeGreaterThanOrEqual(10_000);
});

test('a retry with the same key returns the same refund; the same key with another amount is 409', async () => {
  const no = await paidOrder(1_000);
  const a = await refund(no, 400, 'same-refund-key');
  const b = await refund(no, 400, 'same-refund-key');
  expect(b.body.outRefundNo).toBe(a.body.outRefundNo);
  expect((await refund(no, 500, 'same-refund-key')).status).toBe(409);
  await until(async () => (await order(t, no))!.state === 'PARTIALLY_REFUNDED');
  expect((await order(t, no))!.refunded_fen).toBe(400);
});

test('concurrent refunds never exceed the paid amount', async () => {
  t.fake.pay.refundMode = 'sync';
  const no = await paidOrder(1_000);
  const answers = await Promise.all(Array.from({ length: 12 }, () => refund(no, 300)));
  const ok = answers.filter((a) => a.status === 200);
  expect(ok).toHaveLength(3);
  expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'REFUND_EXCEEDS_ORDER')).toBe(true);
  const row = await order(t, no);
  expect(row!.refunded_fen).toBe(900);
  expect(row!.state).toBe('PARTIALLY_REFUNDED');
  expect((await refund(no, 101)).body.code).toBe('REFUND_EXCEEDS_ORDER');
  expect((await refund(no, 100)).status).toBe(200);
  expect((await order(t, no))!.state).toBe('REFUNDED');
});

test('a refund WeChat Pay closes gives its amount back to the order', async () => {
  t.fake.pay.refundMode = 'close';
  const no = await paidOrder(800);
  await refund(no, 800);
  await until(async () => (await order(t, no))!.state === 'PAID');
  expect(await order(t, no)).toMatchObject({ refunded_fen: 0, refund_reserved_fen: 0 });
  t.fake.pay.refundMode = 'sync';
  expect((await refund(no, 800)).status).toBe(200);
  expect((await order(t, no))!.state).toBe('REFUNDED');
});

test('WeChat Pay unreachable for a refund: it stays NEW, the sweep sends it again; a lost refund notification is found by query', async () => {
  const no = await paidOrder(600);
  t.fake.failNext('/v3/refund/domestic/refunds', 'drop');
  const a = await refund(no, 200);
  expect(a.body.state).toBe('NEW');
  expect((await order(t, no))!.state).toBe('REFUNDING');
  t.fake.pay.refundMode = 'hold';
  const b = await refund(no, 100);
  expect(b.body.state).toBe('PROCESSING');
  // The held refund succeeds at WeChat, but its notification is lost.
  const held = t.fake.pay.refunds.get(b.body.outRefundNo)!;
  held.status = 'SUCCESS';
  t.fake.pay.refundMode = 'sync';
  t.clock.advance(61_000);
  const r = await t.ctx.payments.sweep();
  expect(r.refunds).toBe(2);
  const row = await order(t, no);
  expect(row).toMatchObject({ state: 'PARTIALLY_REFUNDED', refunded_fen: 300, refund_reserved_fen: 300 });
});

test('refund input errors are 4xx and change nothing', async () => {
  const no = await paidOrder(100);
  expect((await refund(no, 0)).status).toBe(400);
  expect((await refund('HYnosuchorder1', 10)).status).toBe(404);
  const noKey = await t.http('POST', `/api/admin/pay/orders/${no}/refunds`, {
    token: op,
    body: { amountFen: 10, reason: 'x' },
  });
  expect(noKey.status).toBe(400);
  expect((await order(t, no))!.state).toBe('PAID');
  const list = await t.http('GET', '/api/admin/pay/refunds?limit=2', { token: op });
  expect(list.status).toBe(200);
  expect(list.body.items.length).toBeLessThanOrEqual(2);
});

test('an ABNORMAL refund stays set aside until WeChat Pay reports its end', async () => {
  t.fake.pay.refundMode = 'abnormal';
  const no = await paidOrder(500);
  const r = await refund(no, 200);
  await until(async () => t.fake.pay.refunds.get(r.body.outRefundNo)!.status === 'ABNORMAL');
  await until(
    async () =>
      (await t.http('GET', `/api/admin/pay/refunds?outTradeNo=${no}`, { token: op })).body.items[0].state ===
      'ABNORMAL',
  );
  expect(await order(t, no)).toMatchObject({ state: 'REFUNDING', refund_reserved_fen: 200, refunded_fen: 0 });
  expect((await refund(no, 301)).body.code).toBe('REFUND_EXCEEDS_ORDER');
  await t.fake.pay.finishRefund(r.body.outRefundNo, 'SUCCESS');
  expect(await order(t, no)).toMatchObject({ state: 'PARTIALLY_REFUNDED', refunded_fen: 200 });
});

test("the member's data export lists their orders and refunds: amounts, states, times; no payment credentials", async () => {
  const m = await t.login('pay-exporter');
  t.fake.pay.refundMode = 'sync';
  const o = await newOrder(t, m.memberId, 1_000);
  await t.fake.pay.pay(o.outTradeNo);
  const r = await refund(o.outTradeNo, 400);
  expect(r.status).toBe(200);
  const unpaid = await newOrder(t, m.memberId, 50);
  await paidOrder(70); // another member's order is not in this export
  const res = await t.http('GET', '/api/me/export', { token: m.token });
  expect(res.status).toBe(200);
  const { orders, refunds } = res.body.payments;
  expect(orders).toMatchObject([
    { out_trade_no: o.outTradeNo, amount_fen: 1_000, refunded_fen: 400, state: 'PARTIALLY_REFUNDED' },
    { out_trade_no: unpaid.outTradeNo, amount_fen: 50, state: 'CREATED', paid_at: null },
  ]);
  expect(orders[0].paid_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(refunds).toMatchObject([
    { out_refund_no: r.body.outRefundNo, out_trade_no: o.outTradeNo, amount_fen: 400, state: 'SUCCESS' },
  ]);
  expect(refunds[0].finished_at).toMatch(/^\d{4}-/);
  const text = JSON.stringify(res.body.payments);
  for (const secret of ['openid', 'prepay', 'transaction_id', 'refund_id', 'idem_key', 'input_hash'])
    expect(text).not.toContain(secret);
  expect(text).not.toContain(o.prepayId);
});

test("closing the account forgets the payer's openid on their orders; the orders and their refunds stay", async () => {
  const m = await t.login('pay-closer');
  const o = await newOrder(t, m.memberId, 300);
  await t.fake.pay.pay(o.outTradeNo);
  const row = () =>
    t.ctx.db.read((q) =>
      q.one<{ openid: string; state: string; amount_fen: number }>(
        'SELECT openid, state, amount_fen FROM pay_orders WHERE out_trade_no = ?',
        [o.outTradeNo],
      ),
    );
  expect((await row())!.openid).not.toBe('');
  const res = await t.http('POST', '/api/me/delete', { token: m.token, body: { confirm: 'DELETE' } });
  expect(res.status).toBe(200);
  expect(await row()).toMatchObject({ openid: '', state: 'PAID', amount_fen: 300 });
  // WeChat Pay still answers by order number: an operator's refund goes through.
  t.fake.pay.refundMode = 'sync';
  expect((await refund(o.outTradeNo, 300)).status).toBe(200);
  await until(async () => (await order(t, o.outTradeNo))!.state === 'REFUNDED');
});
