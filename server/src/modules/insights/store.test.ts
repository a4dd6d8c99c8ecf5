import { openTestDb, type TestDb } from '../../../test/db';
import { replaceSegments, segmentMemberIds, segmentSizes, segmentsOf, type SegmentRow } from './store';
import {
  callListOf,
  callListSizes,
  enteredStages,
  entriesOutsideEpisode,
  insertEntries,
  markRecovered,
  openEntriesAfter,
  stageCounts,
} from './store-churn';
import {
  acknowledgeAlert,
  alertById,
  alertKeysAfter,
  alertsPage,
  openAlertCount,
  putSnapshot,
  raiseAlert,
  snapshotOnOrBefore,
} from './store-alerts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const score = (memberId: number, segment: SegmentRow['segment'], computedAt: number): SegmentRow => ({
  memberId,
  recencyDays: segment === 'hibernating' ? null : 3,
  frequency: 2,
  monetaryCents: 5000,
  r: 4,
  f: 3,
  m: 2,
  segment,
  lastOrderAt: segment === 'hibernating' ? null : 1000,
  computedAt,
});

describe('member segments', () => {
  it('starts empty: no sizes, never computed', async () => {
    expect(await t.db.read((q) => segmentSizes(q))).toEqual({ computedAt: null, segments: [] });
  });

  it('a member has one row: a recompute replaces it', async () => {
    await t.db.tx((q) =>
      replaceSegments(q, [score(1, 'champion', 10), score(2, 'champion', 10), score(3, 'hibernating', 10)]),
    );
    await t.db.tx((q) => replaceSegments(q, [score(2, 'at_risk', 20)]));
    await t.db.tx((q) => replaceSegments(q, []));
    const sizes = await t.db.read((q) => segmentSizes(q));
    expect(sizes.computedAt).toBe(20);
    expect(sizes.segments).toEqual([
      { segment: 'at_risk', members: 1 },
      { segment: 'champion', members: 1 },
      { segment: 'hibernating', members: 1 },
    ]);
  });

  it('reads scores back by member, and walks a segment by id', async () => {
    await t.db.tx((q) => replaceSegments(q, [score(5, 'champion', 30), score(9, 'champion', 30)]));
    const byId = await t.db.read((q) => segmentsOf(q, [1, 3, 4]));
    expect(byId.get(1)).toEqual(score(1, 'champion', 10));
    expect(byId.get(3)?.recencyDays).toBeNull(); // stored as -1: no order in the window
    expect(byId.has(4)).toBe(false);
    expect(await t.db.read((q) => segmentMemberIds(q, 'champion', 0, 2))).toEqual([1, 5]);
    expect(await t.db.read((q) => segmentMemberIds(q, 'champion', 5, 10))).toEqual([9]);
  });
});

describe('churn entries', () => {
  const entry = (memberId: number, episode: string, stage: string, storeId: number | null = null) => ({
    memberId,
    episode,
    stage,
    enteredOn: '2026-12-10',
    action: 'message',
    storeId,
    detail: null,
  });

  it('one entry per member, episode and stage: a second insert of the same key fails, a new episode does not', async () => {
    await t.db.tx((q) => insertEntries(q, [entry(1, '2026-12-01', 'L1'), entry(2, '2026-12-01', 'L3', 7)], 1));
    await expect(t.db.tx((q) => insertEntries(q, [entry(1, '2026-12-01', 'L1')], 2))).rejects.toThrow();
    await t.db.tx((q) => insertEntries(q, [entry(1, '2026-12-05', 'L1')], 3));
    const seen = await t.db.read((q) =>
      enteredStages(q, [
        { memberId: 1, episode: '2026-12-01' },
        { memberId: 2, episode: '2026-12-01' },
      ]),
    );
    expect([...seen].sort()).toEqual(['1:2026-12-01:L1', '1:2026-12-05:L1', '2:2026-12-01:L3']);
  });

  it('recovery closes open entries once; counts, call lists and the episode check read them', async () => {
    const open = await t.db.read((q) => openEntriesAfter(q, 0, 10));
    expect(open.map((e) => e.memberId)).toEqual([1, 2, 1]);
    expect(await t.db.tx((q) => markRecovered(q, [open[0].id], '2026-12-12'))).toBe(1);
    expect(await t.db.tx((q) => markRecovered(q, [open[0].id], '2026-12-13'))).toBe(0);
    const counts = await t.db.read((q) => stageCounts(q, '2026-12-01', '2026-12-31'));
    expect(counts.get('L1')).toEqual({
      entered: 2,
      open: 1,
      recovered: [{ enteredOn: '2026-12-10', recoveredOn: '2026-12-12' }],
    });
    expect(await t.db.read((q) => callListSizes(q, ['L3']))).toEqual(new Map([[7, 1]]));
    expect(await t.db.read((q) => callListOf(q, 7, ['L3'], 10))).toEqual([
      { memberId: 2, stage: 'L3', episode: '2026-12-01', enteredOn: '2026-12-10' },
    ]);
    expect(await t.db.read((q) => callListOf(q, 8, ['L3'], 10))).toEqual([]);
    expect(await t.db.read((q) => entriesOutsideEpisode(q, 10))).toEqual([]);
  });
});

describe('alerts and snapshots', () => {
  const a = {
    rule: 'voucher_write_off_low',
    period: '2026-11-30',
    subject: '',
    message: 'low',
    value: 0.1,
    threshold: 0.15,
  };

  it('raised once per rule, period and subject; acknowledged once', async () => {
    expect(await t.db.tx((q) => raiseAlert(q, a, 1))).toBe(true);
    expect(await t.db.tx((q) => raiseAlert(q, a, 2))).toBe(false);
    expect(await t.db.tx((q) => raiseAlert(q, { ...a, period: '2026-12-07' }, 3))).toBe(true);
    expect(await t.db.read((q) => openAlertCount(q))).toBe(2);
    const [newest] = await t.db.read((q) => alertsPage(q, 'open', 1));
    expect(newest).toMatchObject({ period: '2026-12-07', state: 'open' });
    expect(await t.db.tx((q) => acknowledgeAlert(q, Number(newest.id), 5, 10))).toBe(1);
    expect(await t.db.tx((q) => acknowledgeAlert(q, Number(newest.id), 6, 11))).toBe(0);
    expect(await t.db.read((q) => alertById(q, Number(newest.id)))).toMatchObject({ state: 'acknowledged' });
    expect((await t.db.read((q) => alertKeysAfter(q, 0, 10))).length).toBe(2);
  });

  it('keeps one figure per day; reads the latest on or before a date', async () => {
    await t.db.tx((q) => putSnapshot(q, 'liability_points', '2026-12-01', 100, 1));
    await t.db.tx((q) => putSnapshot(q, 'liability_points', '2026-12-01', 120, 2));
    await t.db.tx((q) => putSnapshot(q, 'liability_points', '2026-12-08', 200, 3));
    expect(await t.db.read((q) => snapshotOnOrBefore(q, 'liability_points', '2026-12-07'))).toMatchObject({
      business_date: '2026-12-01',
    });
    expect(Number((await t.db.read((q) => snapshotOnOrBefore(q, 'liability_points', '2026-12-07')))?.value)).toBe(120);
    expect(await t.db.read((q) => snapshotOnOrBefore(q, 'liability_points', '2026-11-30'))).toBeUndefined();
  });
});
