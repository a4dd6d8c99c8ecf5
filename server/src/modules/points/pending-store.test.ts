import { openTestDb, type TestDb } from '../../../test/db';
import { ManualClock } from '../../core/clock';
import { isDuplicateKey } from '../../db/database';
import { Settings } from '../settings/settings';
import { Ledger } from './ledger';
import { PendingPoints, releaseAtFor } from './pending';
import * as store from './pending-store';
import { openAccount } from './store';

/** Every pending-points store function and the pending service on both engines. */
let t: TestDb;
const clock = new ManualClock(new Date('2026-03-10T02:00:00Z'));
const NOW = clock.now().getTime();
const DAY = 86_400_000;
let pending: PendingPoints;

const row = (o: Partial<store.NewPending>): store.NewPending => ({
  memberId: 1,
  key: 'k',
  points: 100,
  releaseAt: NOW + DAY,
  reason: 'purchase',
  ref: 'order:1',
  storeId: 2,
  operatorId: 3,
  note: 'S1 A1',
  ...o,
});
const checks = async () =>
  t.db.read(async (q) => ({
    entries: await store.pendingOffEntries(q, 10),
    states: await store.pendingStatesOff(q, 10),
    ledger: await store.pendingOffLedger(q, 10),
  }));
const clean = { entries: [], states: [], ledger: [] };

beforeAll(async () => {
  t = await openTestDb();
  const ledger = new Ledger(t.db, clock, new Settings(t.db), 'Asia/Shanghai');
  pending = new PendingPoints(ledger, clock);
  await t.db.tx(async (q) => {
    for (const m of [1, 2, 3]) await openAccount(q, m, NOW);
  });
});
afterAll(() => t.close());

test('raw rows: insert once per key, entries, lock by key, guarded cancel and release', async () => {
  const id = await t.db.tx((q) => store.insertPending(q, row({ key: 'raw:1' }), NOW));
  await t.db.tx((q) =>
    q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: id, memberId: 1, delta: 100, kind: 'hold', key: 'h:raw:1' }],
        NOW,
      ),
    ),
  );
  const dup = await t.db.tx((q) => store.insertPending(q, row({ key: 'raw:1' }), NOW)).catch((e) => e);
  expect(isDuplicateKey(dup)).toBe(true);
  await t.db.tx(async (q) => {
    expect(await store.lockPendingByKey(q, 'raw:1')).toMatchObject({ id, points: 100, cancelled: 0, state: 'pending' });
    expect(await store.lockPendingByKey(q, 'raw:none')).toBeUndefined();
    expect(await store.cancelPending(q, id, 101, NOW)).toBe(0); // more than it holds
    expect(await store.cancelPending(q, id, 40, NOW)).toBe(1);
    expect(await store.cancelPending(q, id, 60, NOW)).toBe(1); // nothing left: cancelled
    expect(await store.lockPendingByKey(q, 'raw:1')).toMatchObject({ cancelled: 100, state: 'cancelled' });
    expect(await store.cancelPending(q, id, 1, NOW)).toBe(0);
    expect(await store.markReleased(q, [id], NOW)).toBe(0); // cancelled rows are not released
  });
  // The entries do not say so yet: the check finds the row.
  expect((await checks()).entries).toHaveLength(1);
  await t.db.tx((q) =>
    q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: id, memberId: 1, delta: -100, kind: 'cancel', key: 'c:raw:1' }],
        NOW,
      ),
    ),
  );
  expect(await checks()).toEqual(clean);
});

test('the service holds, lists, cancels and releases in passes of one row per member', async () => {
  await t.db.tx(async (q) => {
    await pending.holdIn(
      q,
      { key: 'p:a1', memberId: 2, points: 30, type: 'credit', reason: 'purchase' },
      new Date(NOW + DAY),
    );
    await pending.holdIn(
      q,
      { key: 'p:a2', memberId: 2, points: 20, type: 'credit', reason: 'purchase' },
      new Date(NOW + 2 * DAY),
    );
    await pending.holdIn(
      q,
      { key: 'p:b1', memberId: 3, points: 50, type: 'credit', reason: 'purchase' },
      new Date(NOW + DAY),
    );
  });
  await t.db.read(async (q) =>
    expect(await pending.summaryIn(q, 2, 1)).toEqual({ total: 50, items: [{ points: 30, releaseAt: NOW + DAY }] }),
  );
  expect(await t.db.tx((q) => pending.cancelIn(q, 'p:b1', 10, 'refund:x'))).toBe(true);
  expect(await t.db.tx((q) => pending.cancelIn(q, 'p:none', 10, 'refund:y'))).toBe(false);
  expect(await t.db.tx((q) => pending.releaseDueIn(q, new Date(NOW), 10))).toEqual({ rows: 0, points: 0, more: false });
  const at = new Date(NOW + 3 * DAY);
  expect(await t.db.tx((q) => pending.releaseDueIn(q, at, 10))).toEqual({ rows: 2, points: 70, more: true });
  expect(await t.db.tx((q) => pending.releaseDueIn(q, at, 10))).toEqual({ rows: 1, points: 20, more: false });
  expect(await t.db.tx((q) => pending.releaseDueIn(q, at, 10))).toEqual({ rows: 0, points: 0, more: false });
  // Released: a refund now claws back through the ledger instead.
  expect(await t.db.tx((q) => pending.cancelIn(q, 'p:b1', 10, 'refund:z'))).toBe(false);
  const balances = await t.db.read((q) =>
    q.all<{ member_id: number; balance: number }>('SELECT member_id, balance FROM points_accounts ORDER BY member_id'),
  );
  expect(balances.map((b) => [Number(b.member_id), Number(b.balance)])).toEqual([
    [1, 0],
    [2, 50],
    [3, 40],
  ]);
  expect(await checks()).toEqual(clean);
  await t.db.read(async (q) => expect(await store.pendingOf(q, 2, 50)).toEqual({ total: 0, items: [] }));
});

test('the ledger check finds a released row without its credit', async () => {
  const id = await t.db.tx((q) => store.insertPending(q, row({ key: 'raw:2', memberId: 1, releaseAt: NOW }), NOW));
  await t.db.tx(async (q) => {
    await q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: id, memberId: 1, delta: 100, kind: 'hold', key: 'h:raw:2' }],
        NOW,
      ),
    );
    expect(await store.lockDuePending(q, NOW, 10)).toMatchObject([{ id, key: 'raw:2', points: 100 }]);
    expect(await store.markReleased(q, [id], NOW)).toBe(1);
    await q.exec(
      ...store.insertPendingEntriesStep(
        [{ pendingId: id, memberId: 1, delta: -100, kind: 'release', key: 'r:raw:2' }],
        NOW,
      ),
    );
  });
  expect(await checks()).toMatchObject({ entries: [], states: [], ledger: [{ id }] });
});

test('release instants: the start of the business day N days on', () => {
  expect(releaseAtFor(new Date('2026-03-10T17:00:00Z'), 7, 'Asia/Shanghai').toISOString()).toBe(
    '2026-03-17T16:00:00.000Z',
  );
  expect(releaseAtFor(new Date('2026-03-10T15:59:00Z'), 1, 'Asia/Shanghai').toISOString()).toBe(
    '2026-03-10T16:00:00.000Z',
  );
});
