import type { Q } from '../../db/database';
import { registerInvariant } from '../reconcile/invariants';
import { orderIn } from '../payments/store';
import { ordersPageIn } from '../payments/store-reads';
import { periodByTradeNoIn, periodsAfterIn } from './store';
import { activeWithoutPeriodIn } from './store-benefits';

const PAGE = 500;
const PAID = new Set(['PAID', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED']);

/** Every active membership has a period (a paid order) reaching its end. */
async function activeWithoutPaidOrder(q: Q, limit: number) {
  const rows = await activeWithoutPeriodIn(q, limit);
  return rows.map((r) => ({ memberId: Number(r.member_id), endsAt: Number(r.ends_at) }));
}

/** Every period was added by an order that was paid (never on the client's word). */
async function periodsWithoutPaidOrder(q: Q, limit: number) {
  const bad: Record<string, unknown>[] = [];
  for (let after = 0; bad.length < limit;) {
    const page = await periodsAfterIn(q, after, PAGE);
    if (!page.length) break;
    after = Number(page[page.length - 1].id);
    for (const p of page) {
      const o = await orderIn(q, p.out_trade_no);
      if (!o || !PAID.has(o.state) || o.purpose !== 'membership')
        bad.push({ periodId: Number(p.id), outTradeNo: p.out_trade_no, state: o?.state ?? null });
    }
  }
  return bad.slice(0, limit);
}

/** Every paid membership order added a period, unless it was refunded in full. */
async function paidOrdersWithoutPeriod(q: Q, limit: number) {
  const bad: Record<string, unknown>[] = [];
  for (let beforeId: number | undefined; bad.length < limit;) {
    const page = await ordersPageIn(q, { purpose: 'membership', beforeId, limit: PAGE });
    const rows = page.slice(0, PAGE);
    for (const o of rows) {
      if (!PAID.has(o.state) || o.state === 'REFUNDED') continue;
      if (!(await periodByTradeNoIn(q, o.out_trade_no)))
        bad.push({ outTradeNo: o.out_trade_no, memberId: Number(o.member_id), state: o.state });
    }
    if (page.length <= PAGE) break;
    beforeId = Number(rows[rows.length - 1].id);
  }
  return bad.slice(0, limit);
}

registerInvariant({ name: 'membership: every active membership has a paid order', run: activeWithoutPaidOrder });
registerInvariant({ name: 'membership: every period was paid for', run: periodsWithoutPaidOrder });
registerInvariant({
  name: 'membership: every paid membership order is a period or refunded in full',
  run: paidOrdersWithoutPeriod,
});
