import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey } from '../../db/database';
import {
  addClawedBack,
  addRefundedCents,
  exportOrders,
  finishOrder,
  hasKeptOrder,
  insertOrder,
  insertRefund,
  lockOrder,
  membersWithOrdersSince,
  orderClaim,
  purchaseHistory,
  refundClaim,
  salesByStore,
  salesTotals,
  setRefundResult,
  type NewOrder,
} from './store';
import { redeemedOrdersAfter, returningRefundsAfter } from './store-checks';

let t: TestDb;
const t0 = new Date('2026-03-10T02:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const order = (o: Partial<NewOrder>): NewOrder => ({
  storeId: 1,
  orderNo: 'A1',
  memberId: 10,
  staffId: 5,
  amountCents: 10_000,
  inputHash: 'h'.repeat(64),
  businessDate: '2026-03-10',
  ...o,
});
const dup = <T>(p: Promise<T>) =>
  p.then(
    () => 'written',
    (err) => (isDuplicateKey(err) ? 'duplicate' : err),
  );

beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('checkout store: orders', () => {
  it('claims (store, orderNo) once, finishes it and answers replays from it', async () => {
    const id = await t.db.tx((q) => insertOrder(q, order({}), t0));
    expect(id).toBeGreaterThan(0);
    expect(await dup(t.db.tx((q) => insertOrder(q, order({ memberId: 11 }), t0)))).toBe('duplicate');
    // The same order number at another store is another order.
    await t.db.tx((q) => insertOrder(q, order({ storeId: 2, memberId: 11, amountCents: 500 }), later(10)));
    await t.db.tx((q) => finishOrder(q, id, 100, 100, '{"points":100}', later(1)));
    await t.db.read(async (q) => {
      expect(await orderClaim(q, 1, 'A1')).toEqual({
        member_id: expect.anything(),
        input_hash: 'h'.repeat(64),
        result_json: '{"points":100}',
      });
      expect(Number((await orderClaim(q, 1, 'A1'))!.member_id)).toBe(10);
      expect(await orderClaim(q, 1, 'nope')).toBeUndefined();
      const exported = await exportOrders(q, 10);
      expect(exported).toEqual([expect.objectContaining({ order_no: 'A1' })]);
      expect(Number(exported[0].points)).toBe(100);
    });
  });

  it('refunds grow the refunded amount only up to the order amount', async () => {
    await t.db.tx(async (q) => {
      const o = (await lockOrder(q, 1, 'A1'))!;
      expect(Number(o.amount_cents)).toBe(10_000);
      expect(await addRefundedCents(q, Number(o.id), 6_000, later(2))).toBe(1);
      expect(await addRefundedCents(q, Number(o.id), 5_000, later(3))).toBe(0); // past the amount
      await addClawedBack(q, Number(o.id), 60, 60);
      const after = (await lockOrder(q, 1, 'A1'))!;
      expect([after.refunded_cents, after.refunded_points, after.refunded_growth].map(Number)).toEqual([6_000, 60, 60]);
      expect(await lockOrder(q, 1, 'nope')).toBeUndefined();
    });
  });

  it('knows whether a member kept a purchase', async () => {
    await t.db.read(async (q) => {
      expect(await hasKeptOrder(q, 10)).toBe(true); // 6,000 of 10,000 refunded
      expect(await hasKeptOrder(q, 12)).toBe(false);
    });
    await t.db.tx((q) => insertOrder(q, order({ orderNo: 'B1', memberId: 12, amountCents: 300 }), t0));
    await t.db.tx(async (q) => {
      const o = (await lockOrder(q, 1, 'B1'))!;
      await addRefundedCents(q, Number(o.id), 300, later(1));
    });
    await t.db.read(async (q) => expect(await hasKeptOrder(q, 12)).toBe(false)); // refunded in full
  });

  it('reads purchase history, recent buyers and sales for insights', async () => {
    await t.db.read(async (q) => {
      const history = await purchaseHistory(q, 10, 12, t0.getTime());
      // Member 12's only order was refunded in full: not a purchase.
      expect([...history.keys()].sort()).toEqual([10, 11]);
      expect(history.get(10)).toEqual({ lastAt: t0.getTime(), orders: 1, netCents: 4_000 });
      expect(await purchaseHistory(q, 10, 12, later(5).getTime())).toEqual(
        new Map([[11, { lastAt: later(10).getTime(), orders: 1, netCents: 500 }]]),
      );
      expect(await membersWithOrdersSince(q, [10, 11, 12, 13], later(5).getTime())).toEqual(new Set([11]));
      expect(await membersWithOrdersSince(q, [], 0)).toEqual(new Set());

      const all = await salesTotals(q, t0.getTime(), later(100).getTime(), null);
      expect(all).toEqual({ orders: 3, amountCents: 10_800, refundedCents: 6_300, buyers: 3, repeatBuyers: 0 });
      expect(await salesTotals(q, t0.getTime(), later(100).getTime(), 2)).toEqual({
        orders: 1,
        amountCents: 500,
        refundedCents: 0,
        buyers: 1,
        repeatBuyers: 0,
      });
      expect(await salesTotals(q, later(200).getTime(), later(300).getTime(), null)).toEqual({
        orders: 0,
        amountCents: 0,
        refundedCents: 0,
        buyers: 0,
        repeatBuyers: 0,
      });
      const byStore = await salesByStore(q, t0.getTime(), later(100).getTime(), null);
      expect(byStore.get(1)).toEqual({ orders: 2, amountCents: 10_300, buyers: 2, points: 100 });
      expect(byStore.get(2)).toEqual({ orders: 1, amountCents: 500, buyers: 1, points: 0 });
      expect([...(await salesByStore(q, t0.getTime(), later(100).getTime(), 2)).keys()]).toEqual([2]);
    });
    await t.db.tx((q) => insertOrder(q, order({ orderNo: 'C1', memberId: 10, amountCents: 100 }), later(20)));
    await t.db.read(async (q) =>
      expect((await salesTotals(q, t0.getTime(), later(100).getTime(), null)).repeatBuyers).toBe(1),
    );
  });
});

describe('checkout store: refunds', () => {
  it('claims (store, key) once and keeps the first answer', async () => {
    const r = {
      orderId: 1,
      storeId: 1,
      key: 'k-1',
      amountCents: 100,
      points: 1,
      growth: 1,
      staffId: 5,
      inputHash: 'x'.repeat(64),
    };
    const id = await t.db.tx((q) => insertRefund(q, r, t0));
    expect(await dup(t.db.tx((q) => insertRefund(q, { ...r, amountCents: 200 }, t0)))).toBe('duplicate');
    await t.db.tx((q) => insertRefund(q, { ...r, storeId: 2 }, t0)); // keys are per store
    await t.db.read(async (q) =>
      expect(await refundClaim(q, 1, 'k-1')).toEqual({ input_hash: 'x'.repeat(64), result_json: null }),
    );
    await t.db.tx((q) => setRefundResult(q, id, '{"ok":true}'));
    await t.db.read(async (q) => {
      expect((await refundClaim(q, 1, 'k-1'))!.result_json).toBe('{"ok":true}');
      expect(await refundClaim(q, 1, 'k-2')).toBeUndefined();
    });
  });
});

describe('checkout store: points paid at the till', () => {
  it('records redeemed points on the order and refunds, and reads them for reconcile', async () => {
    const id = await t.db.tx((q) =>
      insertOrder(q, order({ storeId: 3, orderNo: 'P1', redeemedPoints: 1_001, discountCents: 1_001 }), t0),
    );
    await t.db.tx(async (q) => {
      const o = (await lockOrder(q, 3, 'P1'))!;
      expect([Number(o.redeemed_points), Number(o.redeem_returned)]).toEqual([1_001, 0]);
      await addClawedBack(q, id, 0, 0, 333);
      await insertRefund(
        q,
        {
          orderId: id,
          storeId: 3,
          key: 'rp-1',
          amountCents: 3_333,
          points: 0,
          growth: 0,
          staffId: 5,
          inputHash: 'y'.repeat(64),
          redeemReturned: 333,
          pendingCancelled: 7,
        },
        t0,
      );
    });
    await t.db.read(async (q) => {
      expect(await redeemedOrdersAfter(q, 0, 10)).toEqual([
        { id, storeId: 3, orderNo: 'P1', redeemed: 1_001, returned: 333, refundsReturned: 333 },
      ]);
      expect(await redeemedOrdersAfter(q, id, 10)).toEqual([]);
      const refunds = await returningRefundsAfter(q, 0, 10);
      expect(refunds.map((r) => [r.storeId, r.key, r.returned])).toEqual([[3, 'rp-1', 333]]);
    });
  });
});
