import { DEFAULT_TASKS } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

// Tuesday 2026-11-24, 12:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
let t: TestServer;
let seq = 0;
beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'tasks.catalog', DEFAULT_TASKS, clock.now()));
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const start = (token: string, code = 'browse_benefits') => t.http('POST', `/api/me/tasks/${code}/start`, { token });
const complete = (token: string, code: string, body?: object) =>
  t.http('POST', `/api/me/tasks/${code}/complete`, { token, body });
const register = async (identity: string, ref?: string) => {
  const res = await t.http('POST', '/api/auth/login', {
    body: { code: `${identity}:${++seq}`, ...(ref ? { ref } : {}) },
  });
  expect(res.status).toBe(200);
  return { token: res.body.token as string, memberId: Number(res.body.memberId) };
};
const taskCredits = (memberId: number, code: string) =>
  count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'task' AND ref = ?", [
    memberId,
    `task:${code}`,
  ]);
const taskPoints = (memberId: number) =>
  count(t, "SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ? AND reason = 'task'", [
    memberId,
  ]);
const balance = async (token: string) => (await t.http('GET', '/api/me/points', { token })).body.balance as number;
const shareTask = async (token: string) =>
  ((await t.http('GET', '/api/me/tasks', { token })).body.tasks as { code: string }[]).find(
    (x) => x.code === 'share_app',
  );

describe('browse: a signed start and the server clock', () => {
  it('refuses too early (seconds left, nothing written), pays once on time, even when sent at once', async () => {
    const m = await register('tv-browse');
    const s = await start(m.token);
    expect(s.status).toBe(200);
    expect(s.body.minSeconds).toBe(15);
    const early = await complete(m.token, 'browse_benefits', { token: s.body.token });
    expect([early.status, early.body.code, early.body.details?.secondsLeft]).toEqual([409, 'TASK_TOO_EARLY', 15]);
    clock.advance(14_000);
    const still = await complete(m.token, 'browse_benefits', { token: s.body.token });
    expect([still.body.code, still.body.details?.secondsLeft]).toEqual(['TASK_TOO_EARLY', 1]);
    expect(await taskCredits(m.memberId, 'browse_benefits')).toBe(0);
    clock.advance(1_000);
    const all = await Promise.all(
      Array.from({ length: 6 }, () => complete(m.token, 'browse_benefits', { token: s.body.token })),
    );
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
    expect(all[0].body).toMatchObject({ code: 'browse_benefits', points: 5 });
    // The token again, or a fresh one later the same day: the day's completion answers.
    const s2 = await start(m.token);
    clock.advance(20_000);
    expect((await complete(m.token, 'browse_benefits', { token: s2.body.token })).body.replayed).toBe(true);
    expect(await taskCredits(m.memberId, 'browse_benefits')).toBe(1);
    expect(await balance(m.token)).toBe(5);
  });

  it("refuses no token, a forged one, another member's, another task's and yesterday's", async () => {
    const a = await register('tv-a');
    const b = await register('tv-b');
    const none = await complete(a.token, 'browse_benefits');
    expect([none.status, none.body.code]).toEqual([409, 'TASK_NOT_DONE']);
    const mine = (await start(a.token)).body.token as string;
    const theirs = (await start(b.token)).body.token as string;
    clock.advance(60_000);
    const parts = mine.split('.');
    const forgedStart = [parts[0], parts[1], String(Number(parts[2]) - 3_600_000), parts[3], parts[4]].join('.');
    const flipped = mine.slice(0, -1) + (mine.endsWith('A') ? 'B' : 'A');
    const asB = [String(b.memberId), ...parts.slice(1)].join('.');
    for (const token of [forgedStart, flipped, asB, theirs, 'garbage'])
      expect((await complete(a.token, 'browse_benefits', { token })).body.code).toBe('TASK_NOT_DONE');
    // A start of another browse task does not complete this one.
    await t.ctx.db.tx((q) =>
      t.ctx.settings.set(
        q,
        'tasks.catalog',
        {
          ...DEFAULT_TASKS,
          tasks: [
            ...DEFAULT_TASKS.tasks,
            { code: 'browse_news', title: '看看新品', period: 'daily', kind: 'browse', points: 3, growth: 0 },
          ],
        },
        clock.now(),
      ),
    );
    const other = (await start(a.token, 'browse_news')).body.token as string;
    clock.advance(60_000);
    expect((await complete(a.token, 'browse_benefits', { token: other })).body.code).toBe('TASK_NOT_DONE');
    // Yesterday's start is no start today.
    const late = (await start(a.token)).body.token as string;
    clock.advance(24 * 3_600_000);
    const a2 = await register('tv-a');
    expect((await complete(a2.token, 'browse_benefits', { token: late })).body.code).toBe('TASK_NOT_DONE');
    expect(await taskCredits(a.memberId, 'browse_benefits')).toBe(0);
    // Only browse tasks start.
    expect((await start(a.token, 'share_app')).status).toBe(404);
  });
});

describe('share: paid when a new member arrives through it', () => {
  it('a tap pays nothing; each new visitor pays once, within the daily cap; existing members pay nothing', async () => {
    clock.set('2026-11-26T04:00:00Z');
    const sharer = await register('tv-sharer');
    const tap = await complete(sharer.token, 'share_app');
    expect([tap.status, tap.body.code]).toEqual([409, 'TASK_NOT_DONE']);
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(0);
    const ref = (await t.http('GET', '/api/me/referrals', { token: sharer.token })).body.code as string;

    // An existing member opening the share (a login with ref) is not a new visitor.
    await register('tv-existing');
    await register('tv-existing', ref);
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(0);

    const v1 = await register('tv-visitor-1', ref);
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(1);
    expect(await taskPoints(sharer.memberId)).toBe(20);
    // The same visitor again (a later login through the same share) pays nothing more.
    await register('tv-visitor-1', ref);
    expect(v1.memberId).toBeGreaterThan(0);
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(1);
    // Visitors at once, past the cap of 3: three are paid, all of them join.
    await Promise.all(['tv-visitor-2', 'tv-visitor-3', 'tv-visitor-4', 'tv-visitor-5'].map((id) => register(id, ref)));
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(3);
    expect(await taskPoints(sharer.memberId)).toBe(60);
    expect(await shareTask(sharer.token)).toMatchObject({ doneToday: 3, dailyCap: 3, state: 'capped' });
    // The next day the cap starts again.
    clock.set('2026-11-27T04:00:00Z');
    await register('tv-visitor-6', ref);
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(4);
    expect(await shareTask((await register('tv-sharer')).token)).toMatchObject({ doneToday: 1, state: 'todo' });
    // A bad or unknown ref pays nobody and never blocks the registration.
    await register('tv-visitor-7', 'NOPE');
    expect(await taskCredits(sharer.memberId, 'share_app')).toBe(4);
  });
});
