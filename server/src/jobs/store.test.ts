import { isDuplicateKey } from '../db/database';
import { openTestDb, type TestDb } from '../../test/db';
import * as store from './store';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('job leases', () => {
  it('one owner at a time on database time; the owner renews; a lapsed or released lease is taken over', async () => {
    const take = (owner: string, ms = 60_000) => t.db.tx((q) => store.takeLease(q, 'nightly', owner, ms));
    const renew = (owner: string) => t.db.tx((q) => store.renewLease(q, 'nightly', owner, 60_000));
    expect(await take('a')).toBe(true);
    expect(await take('b')).toBe(false); // a holds it for a minute
    expect(await take('a')).toBe(true); // the owner may take it again
    expect(await renew('a')).toBe(true);
    expect(await renew('b')).toBe(false); // not b's to renew
    expect(await take('a', -1)).toBe(true); // a's lease now lies in the past: lapsed
    expect(await take('b')).toBe(true);
    expect(await renew('a')).toBe(false); // a lost it: its heartbeat says so
    await t.db.tx((q) => store.releaseLease(q, 'nightly', 'a')); // not a's any more: no effect
    expect(await take('a')).toBe(false);
    await t.db.tx((q) => store.releaseLease(q, 'nightly', 'b'));
    expect(await take('a')).toBe(true);
  });
});

describe('job runs', () => {
  it('a run key opens one run; checkpoints, finish and failure are recorded', async () => {
    const id = await t.db.tx((q) => store.insertRun(q, 'nightly', 'nightly:2026-01-01', 'scheduler', 5000));
    const again = await t.db
      .tx((q) => store.insertRun(q, 'nightly', 'nightly:2026-01-01', 'scheduler', 5001))
      .catch((err: unknown) => err);
    expect(isDuplicateKey(again)).toBe(true);
    await t.db.tx((q) => store.checkpointRun(q, id, '42', 7));
    const open = await t.db.read((q) => store.runByKey(q, 'nightly:2026-01-01'));
    expect([Number(open!.id), open!.status, open!.resume_cursor, Number(open!.processed)]).toEqual([
      id,
      'running',
      '42',
      7,
    ]);
    expect(await t.db.read((q) => store.runEnded(q, 'nightly:2026-01-01'))).toBe(false);
    expect(await t.db.tx((q) => store.finishRun(q, id, 9, '{"ok":1}', 6000))).toBe(1);
    // A run is recorded once: a second finish or a late failure changes nothing.
    expect(await t.db.tx((q) => store.finishRun(q, id, 1, '{"late":1}', 6500))).toBe(0);
    expect(await t.db.tx((q) => store.failRun(q, id, '{"error":"late"}', 6600))).toBe(0);
    expect(await t.db.read((q) => store.runEnded(q, 'nightly:2026-01-01'))).toBe(true);
    const done = await t.db.read((q) => store.runById(q, id));
    expect([done!.status, Number(done!.processed), done!.detail, Number(done!.finished_at)]).toEqual([
      'done',
      9,
      '{"ok":1}',
      6000,
    ]);

    const other = await t.db.tx((q) => store.insertRun(q, 'weekly', 'weekly:x', 'operator:1', 7000));
    await t.db.tx((q) => store.failRun(q, other, '{"error":"boom"}', 7100));
    expect((await t.db.read((q) => store.runById(q, other)))!.status).toBe('failed');
    expect(await t.db.read((q) => store.runEnded(q, 'weekly:x'))).toBe(true);
  });

  it('lists run ids newest first, by job, below a cursor', async () => {
    const all = await t.db.read((q) => store.runIdsBefore(q, Number.MAX_SAFE_INTEGER, undefined, 10));
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(all.length).toBe(2);
    expect(await t.db.read((q) => store.runIdsBefore(q, Number.MAX_SAFE_INTEGER, 'weekly', 10))).toHaveLength(1);
    expect(await t.db.read((q) => store.runIdsBefore(q, all[0], undefined, 10))).toEqual(all.slice(1));
  });
});
