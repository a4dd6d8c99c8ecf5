import { openTestDb, type TestDb } from '../../../test/db';
import { ManualClock } from '../../core/clock';
import type { Q } from '../../db/database';
import { Settings } from '../settings/settings';
import { Ledger, planCredits, type LedgerOp, type LedgerResult } from './ledger';
import { openAccount } from './store';

/**
 * Property: a batch of credits (creditBatchIn) leaves exactly what the same
 * credits applied one by one (creditIn) leave: balances, entries, lots,
 * allocations, and the answers of later replays. Two databases live through the
 * same random history (credits, debits, claw-backs into debt, time passing so lots
 * expire); each round, one takes a random batch at once and the other credit by
 * credit. Seeded, so a failure names the round that reproduces it.
 */

const MEMBERS = 8;
const ROUNDS = 30;

/** mulberry32: a small seeded generator, so every run draws the same cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

interface Side {
  t: TestDb;
  ledger: Ledger;
}

const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
let a: Side;
let b: Side;

async function open(): Promise<Side> {
  const t = await openTestDb();
  const ledger = new Ledger(t.db, clock, new Settings(t.db), 'Asia/Shanghai');
  await t.db.tx(async (q) => {
    for (let m = 1; m <= MEMBERS; m++) await openAccount(q, m, clock.now().getTime());
  });
  return { t, ledger };
}

beforeAll(async () => {
  a = await open();
  b = await open();
});
afterAll(async () => {
  await a?.t.close();
  await b?.t.close();
});

/**
 * Everything the ledger wrote, in a form two databases can be compared by. A lot
 * is named by the entry that earned it, not by its row id: the batch writes lots
 * with INSERT ... SELECT, whose auto-increment ids may skip on MySQL, so lot ids
 * (and the `expire:lot:<id>` keys and `lot:<id>` refs made from them) are storage
 * details that may differ while the ledger is the same.
 */
async function snapshot(s: Side) {
  return s.t.db.read(async (q: Q) => {
    const num = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
        ),
      );
    const lotNames = new Map(
      (
        await q.all<{ id: number; idem_key: string }>(
          'SELECT l.id, e.idem_key FROM points_lots l JOIN points_entries e ON e.id = l.entry_id',
        )
      ).map((r) => [String(r.id), r.idem_key]),
    );
    const byLot = (v: unknown) =>
      typeof v === 'string' ? v.replace(/lot:(\d+)$/, (_, id: string) => `lot:<${lotNames.get(id)}>`) : v;
    const entries = num(
      await q.all(
        `SELECT id, member_id, delta, type, reason, ref, idem_key, input_hash, balance_after, operator_id, store_id, note, created_at
         FROM points_entries ORDER BY id`,
      ),
    ).map((e) =>
      e.type === 'expire'
        ? // The hash of an expiry covers its ref, which names the lot by id.
          { ...e, idem_key: byLot(e.idem_key), ref: byLot(e.ref), input_hash: 'of the lot' }
        : e,
    );
    return {
      accounts: num(await q.all('SELECT member_id, balance FROM points_accounts ORDER BY member_id')),
      entries,
      lots: num(
        await q.all(
          `SELECT e.idem_key, l.member_id, l.earned, l.remaining, l.expires_at, l.created_at
           FROM points_lots l JOIN points_entries e ON e.id = l.entry_id ORDER BY e.idem_key`,
        ),
      ),
      allocations: num(
        await q.all(
          `SELECT al.entry_id, le.idem_key AS lot_of, al.member_id, al.points
           FROM points_allocations al JOIN points_lots l ON l.id = al.lot_id JOIN points_entries le ON le.id = l.entry_id
           ORDER BY al.entry_id, le.idem_key`,
        ),
      ),
    };
  });
}

const balances = async (s: Side) =>
  new Map((await snapshot(s)).accounts.map((r) => [Number(r.member_id), Number(r.balance)] as const));

/** The same history on both sides: what one side answers (or the error code it refuses with), the other must too. */
async function both<T>(f: (s: Side) => Promise<T>): Promise<T | { refused: unknown }> {
  const run = (s: Side) => f(s).catch((err: { code?: unknown }) => ({ refused: err.code ?? String(err) }));
  const [x, y] = [await run(a), await run(b)];
  expect(y).toEqual(x);
  return x;
}

test('a batch of credits = the same credits one by one (balances, entries, lots, replays)', async () => {
  const r = rng(20261202);
  const credited: LedgerOp[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    clock.advance(r.int(0, 40) * 86_400_000);
    // History, the same on both sides: a few credits, debits within the balance, claw-backs into debt.
    for (let i = r.int(0, 4); i > 0; i--) {
      const memberId = r.int(1, MEMBERS);
      const kind = r.int(0, 3);
      const key = `h:${round}:${i}`;
      const bal = (await balances(a)).get(memberId)!;
      if (kind === 0) {
        const op: LedgerOp = { key, memberId, points: r.int(1, 300), type: 'credit', reason: 'test' };
        credited.push(op);
        await both((s) => s.ledger.credit(op));
      } else if (kind === 1 && bal > 0) {
        const op: LedgerOp = { key, memberId, points: r.int(1, bal), type: 'debit', reason: 'test' };
        await both((s) => s.ledger.debit(op));
      } else if (kind === 2) {
        const op: LedgerOp = { key, memberId, points: r.int(1, 200), type: 'reversal', reason: 'refund' };
        await both((s) => s.t.db.tx((q) => s.ledger.reverseIn(q, op)));
      } else {
        await both((s) => s.t.db.tx((q) => s.ledger.expireDueLotsIn(q, memberId, clock.now())));
      }
    }
    // The batch: distinct members, mostly new keys, some replays of earlier credits (same input).
    const members = [...Array(MEMBERS).keys()].map((i) => i + 1).filter(() => r.next() < 0.6);
    const ops: LedgerOp[] = members.map((memberId) => {
      const before = credited.filter((o) => o.memberId === memberId);
      if (before.length && r.next() < 0.25) return before[r.int(0, before.length - 1)];
      return { key: `b:${round}:${memberId}`, memberId, points: r.int(1, 500), type: 'credit', reason: 'batch' };
    });
    const replays = ops.filter((o) => credited.includes(o));
    // keysAreNew (deferred writes, no replay check) only when the caller could vouch for it: no replays.
    const keysAreNew = !replays.length && r.next() < 0.5;
    const batch = await a.t.db.tx((q) => a.ledger.creditBatchIn(q, ops, { keysAreNew }));
    const singles: LedgerResult[] = [];
    for (const op of ops) singles.push(await b.ledger.credit(op));
    credited.push(...ops.filter((o) => !replays.includes(o)));

    // The batch answers for its fresh credits what the singles answered; replays are left out of it.
    for (const [i, op] of ops.entries()) {
      const single = singles[i];
      if (replays.includes(op)) {
        expect(single.replayed).toBe(true);
        expect(batch.has(op.key)).toBe(false);
      } else {
        const { entryId: _id, ...rest } = single;
        expect({ round, key: op.key, ...batch.get(op.key) }).toEqual({ round, key: op.key, ...rest });
      }
    }
    expect({ round, ...(await snapshot(a)) }).toEqual({ round, ...(await snapshot(b)) });
    // Every credit of the batch, replayed singly, gives the same answer on both sides.
    for (const op of ops) await both((s) => s.ledger.credit(op));
  }
  // The history did reach debt and expiry, so the lot rule was exercised beyond plain credits.
  const final = await snapshot(a);
  expect(final.entries.some((e) => e.type === 'reversal')).toBe(true);
  expect(final.entries.some((e) => e.type === 'expire')).toBe(true);
  expect(final.lots.some((l) => Number(l.remaining) < Number(l.earned))).toBe(true);
});

test('a credit whose key is new (one round trip) writes what creditIn writes, debts included', async () => {
  // After the history above some members are in debt: the entry's balance after and the lot's remainder follow it.
  const before = await balances(a);
  expect([...before.values()].some((v) => v < 0) || [...before.values()].some((v) => v > 0)).toBe(true);
  for (let m = 1; m <= MEMBERS; m++) {
    const op: LedgerOp = { key: `new-key:${m}`, memberId: m, points: 3 + m * 7, type: 'credit', reason: 'purchase' };
    const x = await a.t.db.tx((q) => a.ledger.creditIn(q, op, { keyIsNew: true }));
    const y = await b.t.db.tx((q) => b.ledger.creditIn(q, op));
    expect({ m, ...x }).toEqual({ m, ...y });
  }
  expect(await snapshot(a)).toEqual(await snapshot(b));
  // A taken key is refused (the unit of work runs again and its caller's replay answers), not written twice.
  const taken: LedgerOp = { key: 'new-key:1', memberId: 1, points: 10, type: 'credit', reason: 'purchase' };
  await expect(a.t.db.tx((q) => a.ledger.creditIn(q, taken, { keyIsNew: true }), { maxAttempts: 1 })).rejects.toThrow(
    /taken/,
  );
  await expect(
    a.t.db.tx((q) => a.ledger.creditIn(q, { ...taken, key: 'new-key:nobody', memberId: 999 }, { keyIsNew: true })),
  ).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
  expect(await snapshot(a)).toEqual(await snapshot(b));
});

test('planCredits: a credit pays off a debt first, and its lot keeps only the rest', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const ops: LedgerOp[] = [
    { key: 'p:1', memberId: 1, points: 100, type: 'credit', reason: 'test' },
    { key: 'p:2', memberId: 2, points: 100, type: 'credit', reason: 'test' },
    { key: 'p:3', memberId: 3, points: 100, type: 'credit', reason: 'test' },
  ];
  // Balances after the credits: no debt, a debt of 30 paid off, a debt of 130 still 30 short.
  const planned = planCredits(
    ops,
    new Map([
      [1, 250],
      [2, 70],
      [3, -30],
    ]),
    now,
  );
  expect(planned.map((p) => [p.entry.key, p.entry.delta, p.entry.balanceAfter, p.lotRemaining])).toEqual([
    ['p:1', 100, 250, 100],
    ['p:2', 100, 70, 70],
    ['p:3', 100, -30, 0],
  ]);
  expect(planned[0].entry.createdAt).toBe(now.getTime());
  expect(() => planCredits(ops, new Map(), now)).toThrow(expect.objectContaining({ code: 'MEMBER_NOT_FOUND' }));
});
