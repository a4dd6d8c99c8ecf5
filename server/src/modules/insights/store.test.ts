import { openTestDb, type TestDb } from '../../../test/db';
import { replaceSegments, segmentMemberIds, segmentSizes, segmentsOf, type SegmentRow } from './store';

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
