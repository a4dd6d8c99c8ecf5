import { openTestDb, type TestDb } from '../../../test/db';
import { ManualClock } from '../../core/clock';
import { add, addAndRead, clearSubject, clearWindow, purgeEnded, windowsOf, type WindowKey } from './store';
import { Limits, limits, unlockStaffIn } from './service';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const key = (subject: string, windowStart: number, scope = 'test', source = ''): WindowKey => ({
  scope,
  subject,
  source,
  windowStart,
  expiresAt: windowStart + 60_000,
});

describe('rate_windows store', () => {
  it('adds to several counters in one upsert and reads them back', async () => {
    const a = key('a', 0);
    const b = key('b', 0);
    const c = key('c', 0);
    expect(await t.db.read((q) => addAndRead(q, [a, b], [c]))).toEqual([1, 1, 0]);
    await t.db.read((q) => add(q, [c, a]));
    expect(await t.db.read((q) => addAndRead(q, [a], [b, c]))).toEqual([3, 1, 1]);
    // Only reads: nothing counted.
    expect(await t.db.read((q) => addAndRead(q, [], [a]))).toEqual([3]);
    // The same counter named twice is counted once and read twice.
    expect(await t.db.read((q) => addAndRead(q, [a, a], [a]))).toEqual([4, 4, 4]);
  });

  it('keeps windows, sources and scopes apart', async () => {
    await t.db.read((q) =>
      add(q, [key('w', 0), key('w', 60_000), key('w', 0, 'other'), key('w', 0, 'test', '10.0.0.1')]),
    );
    expect(
      (await t.db.read((q) => windowsOf(q, 'w'))).map((r) => [
        r.scope,
        r.source,
        Number(r.window_start),
        Number(r.hits),
      ]),
    ).toEqual([
      ['other', '', 0, 1],
      ['test', '', 0, 1],
      ['test', '', 60_000, 1],
      ['test', '10.0.0.1', 0, 1],
    ]);
    expect(await t.db.read((q) => clearWindow(q, key('w', 0, 'test', '10.0.0.1')))).toBe(1);
    expect(await t.db.tx((q) => clearSubject(q, ['test'], 'w'))).toBe(2);
    expect((await t.db.read((q) => windowsOf(q, 'w'))).map((r) => r.scope)).toEqual(['other']);
  });

  it('concurrent hits on one counter all count', async () => {
    const k = key('hot', 0);
    await Promise.all(Array.from({ length: 20 }, () => t.db.read((q) => add(q, [k]))));
    expect(await t.db.read((q) => addAndRead(q, [], [k]))).toEqual([20]);
  });

  it('retention deletes ended windows in bounded chunks, oldest first', async () => {
    const subject = 'old';
    // Windows of the tests above ended long before these: cleared first, so the counts below are these alone.
    while (await t.db.read((q) => purgeEnded(q, 1_000_000, 100)));
    await t.db.read((q) =>
      add(
        q,
        Array.from({ length: 25 }, (_, i) => key(subject, 1_000_000 + i * 60_000, 'purge')),
      ),
    );
    const end = 1_000_000 + 20 * 60_000; // windows 0..19 have ended by then (expires_at <= end)
    const first = await t.db.read((q) => purgeEnded(q, end + 1, 8));
    expect(first).toBe(8);
    let total = first;
    for (let n = 1; n; total += n) n = await t.db.read((q) => purgeEnded(q, end + 1, 8));
    expect(total).toBe(20);
    expect((await t.db.read((q) => windowsOf(q, subject))).length).toBe(5);
  });
});

describe('Limits', () => {
  it('refuses past the budget with retryAfterSeconds, and a new window starts afresh', async () => {
    const clock = new ManualClock(new Date('2026-11-24T04:00:10Z'));
    const l = new Limits(t.db, clock);
    const c = limits.redemptionsPerMember(77); // 20 per 10 s
    for (let i = 0; i < 20; i++) await l.check([c]);
    await expect(l.check([c])).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 10 } });
    clock.advance(10_000);
    expect(await l.check([c])).toEqual([1]);
  });

  it('watched failures refuse once they reach the budget; forgive and unlock clear them', async () => {
    const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
    const l = new Limits(t.db, clock);
    const here = limits.staffFailuresPerAddress('clerk1', '10.0.0.1');
    const elsewhere = limits.staffFailuresPerAddress('clerk1', '10.0.0.2');
    const anywhere = limits.staffFailuresAnywhere('clerk1');
    for (let i = 0; i < 10; i++) await l.count([here, anywhere]);
    await expect(l.check([], [here, anywhere])).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await l.check([], [elsewhere, anywhere])).toEqual([0, 10]);
    await l.forgive(here);
    expect(await l.check([], [here, anywhere])).toEqual([0, 10]);
    for (let i = 0; i < 10; i++) await l.count([here]);
    expect(await t.db.tx((q) => unlockStaffIn(q, 'clerk1'))).toBe(2);
    expect(await l.check([], [here, anywhere])).toEqual([0, 0]);
  });
});
