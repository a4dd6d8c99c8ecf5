import { openTestDb, type TestDb } from '../../../test/db';
import type { Q } from '../../db/database';
import {
  benefitIn,
  catalogueIn,
  countRedemptionIn,
  insertBenefitIn,
  redemptionCountsIn,
  returnStockIn,
  takeStockIn,
  topUpStockIn,
  uncountRedemptionIn,
  updateBenefitIn,
  visibleBenefitsIn,
  type BenefitFields,
} from './store';
import {
  badWriteOffsIn,
  cancelVoucherIn,
  countIssuedIn,
  countWrittenOffIn,
  insertVoucherIn,
  markExpiredIn,
  memberVouchersIn,
  paidVouchersAfterIn,
  stockMismatchesIn,
  unusedExpiringIn,
  unusedPastDateIn,
  voucherByCodeIn,
  voucherByRequestKeyIn,
  voucherIn,
  voucherTalliesIn,
  vouchersForExportIn,
  writeOffVoucherIn,
} from './store-vouchers';
import { giftVoucherIn, issueVoucherIn, requestHash, voucherValidUntil } from './issue';
import { VOUCHER_CODE } from './vouchers';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

let seq = 0;
const fields = (over: Partial<BenefitFields> = {}): BenefitFields => ({
  title: `券${++seq}`,
  description: null,
  kind: 'voucher',
  costPoints: 50,
  stock: 10,
  perMemberLimit: 0,
  minTier: null,
  visibleFrom: null,
  visibleUntil: null,
  validDays: 30,
  validUntil: null,
  ...over,
});
const newBenefit = (over: Partial<BenefitFields> = {}) => t.db.tx((q) => insertBenefitIn(q, fields(over), NOW));
const member = () => 1_000 + ++seq;
const voucher = (q: Q, benefitId: number, memberId: number, over: { validUntil?: number; cost?: number } = {}) =>
  insertVoucherIn(q, {
    code: `CODE${++seq}`.padEnd(16, 'X'),
    benefitId,
    memberId,
    costPoints: over.cost ?? 50,
    requestKey: `key-${seq}`,
    inputHash: requestHash(benefitId),
    validUntil: over.validUntil ?? NOW + 30 * DAY,
    now: NOW,
  });

describe('benefits store', () => {
  it('creates, lists by visibility, changes and tops up a benefit', async () => {
    const shown = await newBenefit({ costPoints: 7 });
    const later = await newBenefit({ visibleFrom: NOW + DAY });
    const hidden = await newBenefit();
    await t.db.tx((q) => updateBenefitIn(q, hidden, { status: 'hidden', title: '改名' }, NOW + 1));
    const b = (await t.db.read((q) => benefitIn(q, hidden)))!;
    expect(b).toMatchObject({ title: '改名', status: 'hidden' });
    expect(Number(b.stock_left)).toBe(10);

    const visible = (await t.db.read((q) => visibleBenefitsIn(q, NOW))).map((r) => Number(r.id));
    expect(visible).toContain(shown);
    expect(visible).not.toContain(later);
    expect(visible).not.toContain(hidden);
    expect((await t.db.read((q) => visibleBenefitsIn(q, NOW + DAY))).map((r) => Number(r.id))).toContain(later);

    await t.db.tx((q) => updateBenefitIn(q, later, { status: 'deleted' }, NOW));
    const catalogue = (await t.db.read((q) => catalogueIn(q))).map((r) => Number(r.id));
    expect(catalogue).toEqual(expect.arrayContaining([shown, hidden]));
    expect(catalogue).not.toContain(later);

    await t.db.tx((q) => topUpStockIn(q, shown, 5, NOW));
    expect(await t.db.read((q) => benefitIn(q, shown))).toMatchObject({ stock_total: 15, stock_left: 15 });
    expect(await t.db.read((q) => benefitIn(q, 999_999))).toBeUndefined();
  });

  it('takes stock down to 0 and never gives back above the total', async () => {
    const id = await newBenefit({ stock: 2 });
    const took = await t.db.tx(async (q) => [
      await takeStockIn(q, id, NOW),
      await takeStockIn(q, id, NOW),
      await takeStockIn(q, id, NOW),
    ]);
    expect(took).toEqual([true, true, false]);
    await t.db.tx(async (q) => {
      for (let i = 0; i < 3; i++) await returnStockIn(q, id, NOW);
    });
    expect(Number((await t.db.read((q) => benefitIn(q, id)))!.stock_left)).toBe(2);
  });

  it('counts redemptions per member and benefit, never below 0', async () => {
    const id = await newBenefit();
    const m = member();
    const counts = await t.db.tx(async (q) => [
      await countRedemptionIn(q, id, m),
      await countRedemptionIn(q, id, m),
      await countRedemptionIn(q, id, m + 1),
    ]);
    expect(counts).toEqual([1, 2, 1]);
    await t.db.tx(async (q) => {
      for (let i = 0; i < 3; i++) await uncountRedemptionIn(q, id, m);
    });
    expect((await t.db.read((q) => redemptionCountsIn(q, m))).get(id)).toBe(0);
    expect((await t.db.read((q) => redemptionCountsIn(q, m + 1))).get(id)).toBe(1);
  });
});

describe('vouchers store', () => {
  it('finds a voucher by id, member, code and request key', async () => {
    const bid = await newBenefit({ title: '蛋糕券' });
    const m = member();
    const id = await t.db.tx((q) => voucher(q, bid, m));
    const v = (await t.db.read((q) => voucherIn(q, id)))!;
    expect(v).toMatchObject({
      id,
      benefit_id: bid,
      member_id: m,
      status: 'unused',
      title: '蛋糕券',
      written_off_at: null,
    });
    expect(await t.db.read((q) => voucherIn(q, id, m + 1))).toBeUndefined();
    expect((await t.db.read((q) => voucherIn(q, id, m)))?.id).toBe(id);
    expect((await t.db.read((q) => voucherByCodeIn(q, v.code)))?.id).toBe(id);
    const byKey = await t.db.read((q) => voucherByRequestKeyIn(q, m, `key-${seq}`));
    expect(byKey).toMatchObject({ id, input_hash: requestHash(bid) });
    expect(await t.db.read((q) => voucherByRequestKeyIn(q, m + 1, `key-${seq}`))).toBeUndefined();
  });

  it('pages a member’s vouchers by status, newest first', async () => {
    const bid = await newBenefit();
    const m = member();
    const ids = await t.db.tx(async (q) => [
      await voucher(q, bid, m),
      await voucher(q, bid, m, { validUntil: NOW - 1 }),
      await voucher(q, bid, m),
      await voucher(q, bid, m),
    ]);
    await t.db.tx((q) => cancelVoucherIn(q, ids[2], NOW));
    const page = (status?: 'unused' | 'used' | 'expired' | 'cancelled', beforeId?: number, limit = 10) =>
      t.db.read((q) => memberVouchersIn(q, m, { status, beforeId, limit, now: NOW }));
    expect((await page()).map((v) => v.id)).toEqual([...ids].reverse());
    expect((await page('unused')).map((v) => v.id)).toEqual([ids[3], ids[0]]);
    expect((await page('expired')).map((v) => v.id)).toEqual([ids[1]]);
    expect((await page('cancelled')).map((v) => v.id)).toEqual([ids[2]]);
    expect(await page('used')).toEqual([]);
    // limit + 1 rows tell the caller another page follows.
    expect((await page(undefined, ids[3], 2)).map((v) => v.id)).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('writes off and cancels at most once, only while unused and valid', async () => {
    const bid = await newBenefit();
    const m = member();
    const [a, b, old] = await t.db.tx(async (q) => [
      await voucher(q, bid, m),
      await voucher(q, bid, m),
      await voucher(q, bid, m, { validUntil: NOW - 1 }),
    ]);
    const code = (id: number) => t.db.read(async (q) => (await voucherIn(q, id))!.code);
    const writeOff = async (id: number) =>
      t.db.tx(async (q) => writeOffVoucherIn(q, { code: await code(id), storeId: 3, staffId: 4, now: NOW }));
    expect(await writeOff(a)).toBe(true);
    expect(await writeOff(a)).toBe(false);
    expect(await writeOff(old)).toBe(false);
    expect(await t.db.tx((q) => cancelVoucherIn(q, a, NOW))).toBe(false);
    expect(await t.db.tx((q) => cancelVoucherIn(q, b, NOW))).toBe(true);
    expect(await t.db.tx((q) => cancelVoucherIn(q, b, NOW))).toBe(false);
    expect(await writeOff(b)).toBe(false);
    expect(await t.db.read((q) => voucherIn(q, a))).toMatchObject({ status: 'used', written_off_at: NOW });

    expect((await t.db.read((q) => voucherTalliesIn(q, [bid]))).get(bid)).toEqual({ issued: 2, writtenOff: 1 });
    expect(await t.db.read((q) => countWrittenOffIn(q, NOW, NOW + 1, 3))).toBeGreaterThanOrEqual(1);
    expect(await t.db.read((q) => countWrittenOffIn(q, NOW, NOW + 1, 99))).toBe(0);
    expect(await t.db.read((q) => countIssuedIn(q, NOW, NOW + 1))).toBeGreaterThanOrEqual(3);
    expect(await t.db.read((q) => badWriteOffsIn(q, 10))).toEqual([]);
    const exported = await t.db.read((q) => vouchersForExportIn(q, m));
    expect(exported.map((r) => Number(r.id))).toEqual([a, b, old]);
  });

  it('expires unused vouchers past their date in chunks and lists those ending soon', async () => {
    const bid = await newBenefit({ title: '奶茶券' });
    const m = member();
    const [past, soon, used] = await t.db.tx(async (q) => [
      await voucher(q, bid, m, { validUntil: NOW - DAY }),
      await voucher(q, bid, m, { validUntil: NOW + DAY }),
      await voucher(q, bid, m, { validUntil: NOW - DAY }),
    ]);
    const usedCode = (await t.db.read((q) => voucherIn(q, used)))!.code;
    await t.db.tx((q) => writeOffVoucherIn(q, { code: usedCode, storeId: 3, staffId: 4, now: NOW - 2 * DAY }));
    const due = await t.db.read((q) => unusedPastDateIn(q, NOW, 1000));
    expect(due).toContain(past);
    expect(due).not.toContain(soon);
    expect(due).not.toContain(used);
    expect(await t.db.tx((q) => markExpiredIn(q, [past, used, soon], NOW))).toBe(1);
    expect((await t.db.read((q) => voucherIn(q, past)))!.status).toBe('expired');
    expect(await t.db.read((q) => unusedPastDateIn(q, NOW, 1000))).not.toContain(past);
    const ending = await t.db.read((q) => unusedExpiringIn(q, NOW, NOW + 3 * DAY));
    expect(ending).toContainEqual(expect.objectContaining({ id: soon, member_id: m, title: '奶茶券' }));
  });
});

describe('issuing a voucher', () => {
  const mall = (q: Q, benefitId: number, memberId: number, key: string) =>
    benefitIn(q, benefitId).then((b) =>
      issueVoucherIn(q, b!, {
        memberId,
        requestKey: key,
        now: NOW,
        pay: { points: Number(b!.cost_points), run: async () => undefined },
      }),
    );
  const gift = (q: Q, benefitId: number, memberId: number) =>
    giftVoucherIn(q, { benefitId, memberId, requestKey: 'churn-gift', now: NOW });

  it('a churn gift and a mall voucher of the same benefit have the same validity and code format', async () => {
    const mine: number[] = [];
    for (const rules of [{ validDays: 7 }, { validDays: 0, validUntil: NOW + 3 * DAY }]) {
      const bid = await newBenefit(rules);
      mine.push(bid);
      const m = member();
      const bought = await t.db.tx((q) => mall(q, bid, m, 'k1'));
      const given = (await t.db.tx((q) => gift(q, bid, m + 1)))!;
      const expected = voucherValidUntil({ valid_days: rules.validDays, valid_until: rules.validUntil ?? null }, NOW);
      expect(bought.valid_until).toBe(expected);
      expect(given.valid_until).toBe(expected);
      // Stored the same way as returned.
      for (const v of [bought, given]) {
        const stored = (await t.db.read((q) => voucherIn(q, v.id)))!;
        expect(Number(stored.valid_until)).toBe(expected);
        expect(stored.code).toBe(v.code);
        expect(v.code).toMatch(VOUCHER_CODE);
      }
      expect(given.cost_points).toBe(0);
      expect(Number(bought.cost_points)).toBe(50);
      // Both took stock and are counted as issued.
      expect(Number((await t.db.read((q) => benefitIn(q, bid)))!.stock_left)).toBe(8);
    }
    // Other tests here insert vouchers without stock; none of these benefits is off.
    const off = (await t.db.read((q) => stockMismatchesIn(q, 1000))).map((r) => Number(r.id));
    expect(off.length).toBeGreaterThan(0);
    expect(off.filter((id) => mine.includes(id))).toEqual([]);
  });

  it('a gift is given once per key and counts against the per-member limit like a redemption', async () => {
    const bid = await newBenefit({ perMemberLimit: 1 });
    const m = member();
    expect(await t.db.tx((q) => gift(q, bid, m))).not.toBeNull();
    expect(await t.db.tx((q) => gift(q, bid, m))).toBeNull();
    expect((await t.db.read((q) => redemptionCountsIn(q, m))).get(bid)).toBe(1);
    await expect(t.db.tx((q) => mall(q, bid, m, 'k2'))).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
  });

  it('a refused gift is not given and leaves no trace; a refused redemption throws', async () => {
    const soldOut = await newBenefit({ stock: 0, perMemberLimit: 3 });
    const expired = await newBenefit({ validDays: 0, validUntil: NOW - 1 });
    const m = member();
    const other = await newBenefit();
    // The gift refusal happens inside a larger unit of work that goes on and commits.
    const out = await t.db.tx(async (q) => {
      const a = await gift(q, soldOut, m);
      const b = await gift(q, expired, m);
      const c = await mall(q, other, m, 'k3');
      return { a, b, c };
    });
    expect(out.a).toBeNull();
    expect(out.b).toBeNull();
    expect(out.c.id).toBeGreaterThan(0);
    expect((await t.db.read((q) => redemptionCountsIn(q, m))).get(soldOut)).toBe(0);
    await expect(t.db.tx((q) => mall(q, soldOut, m, 'k4'))).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    await expect(t.db.tx((q) => mall(q, expired, m, 'k5'))).rejects.toMatchObject({ code: 'BENEFIT_NOT_AVAILABLE' });
    await t.db.tx((q) => updateBenefitIn(q, other, { status: 'hidden' }, NOW));
    expect(await t.db.tx((q) => gift(q, other, m))).toBeNull();
  });

  it('pays between the limit and the stock, and a paid voucher is found by the reconcile walk', async () => {
    const bid = await newBenefit({ perMemberLimit: 1 });
    const m = member();
    const order: string[] = [];
    await t.db.tx(async (q) => {
      const b = (await benefitIn(q, bid))!;
      await issueVoucherIn(q, b, {
        memberId: m,
        requestKey: 'k6',
        now: NOW,
        pay: {
          points: 50,
          run: async () => {
            order.push(`paid with ${(await redemptionCountsIn(q, m)).get(bid)} counted`);
            order.push(`stock ${(await benefitIn(q, bid))!.stock_left}`);
          },
        },
      });
    });
    expect(order).toEqual(['paid with 1 counted', 'stock 10']);
    const paid = await t.db.read((q) => paidVouchersAfterIn(q, 0, 100_000));
    expect(paid).toContainEqual(expect.objectContaining({ memberId: m, requestKey: 'k6', costPoints: 50 }));
  });
});
