import type { TestServer } from './harness';
import type { PaidOrder, RefundRow } from '../src/modules/payments/service';
import { openidOf } from '../src/modules/members/store';

/**
 * The payment tests' purpose: `pay_test`, whose handlers only count what they
 * were given, so the tests see how often (and in which unit of work) they ran.
 */
export const PURPOSE = 'pay_test';

export interface Seen {
  paid: PaidOrder[];
  refunded: RefundRow[];
}

export function registerTestPurpose(t: TestServer): Seen {
  const seen: Seen = { paid: [], refunded: [] };
  t.ctx.payments.onPaid(PURPOSE, async (q, order) => {
    // Inside the transaction that moved the order: it already reads PAID.
    const row = await q.one<{ state: string }>('SELECT state FROM pay_orders WHERE out_trade_no = ?', [
      order.outTradeNo,
    ]);
    if (row?.state !== 'PAID') throw new Error('handler ran outside the PAID transaction');
    seen.paid.push(order);
  });
  t.ctx.payments.onRefunded(PURPOSE, async (_q, refund) => {
    seen.refunded.push(refund);
  });
  return seen;
}

let seq = 0;
export async function newOrder(t: TestServer, memberId: number, amountFen = 100, key = `k-${++seq}-${Date.now()}`) {
  const m = await t.ctx.db.read((q) => openidOf(q, memberId));
  return t.ctx.payments.createJsapiOrder({
    memberId,
    openid: m!.openid,
    purpose: PURPOSE,
    purposeRef: `plan-${seq}`,
    amountFen,
    description: '测试商品',
    idempotencyKey: key,
  });
}

export const order = (t: TestServer, no: string) =>
  t.ctx.db.read((q) =>
    q.one<{ state: string; refunded_fen: number; refund_reserved_fen: number; transaction_id: string | null }>(
      'SELECT state, refunded_fen, refund_reserved_fen, transaction_id FROM pay_orders WHERE out_trade_no = ?',
      [no],
    ),
  );

export const events = (t: TestServer, no: string) =>
  t.ctx.db.read((q) =>
    q.all<{ from_state: string | null; to_state: string; source: string }>(
      'SELECT from_state, to_state, source FROM pay_order_events WHERE out_trade_no = ? ORDER BY id',
      [no],
    ),
  );

/** Waits until `check` is true (notifications and async refunds arrive a moment later). */
export async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
