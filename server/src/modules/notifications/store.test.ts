import { openTestDb, type TestDb } from '../../../test/db';
import * as store from './store';
import { notificationInvariants } from './invariants';
import { insertMemberIgnore, memberByOpenid } from '../members/store';
import { insertTierRow, moveTier } from '../tiers/store';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const msg = (dedupeKey: string, kind = 'tier_changed', memberId: number | null = 1001) => ({
  dedupeKey,
  kind,
  memberId,
  payload: { n: 1 },
});

describe('outbox rows', () => {
  it('a dedupe key is written once, alone or in a batch', async () => {
    await t.db.tx(async (q) => {
      expect(await store.insertOutboxRow(q, msg('o:1'), 1000, 1000)).toBe(true);
      expect(await store.insertOutboxRow(q, msg('o:1'), 1000, 1000)).toBe(false);
      expect(await store.insertOutboxRows(q, [msg('o:1'), msg('o:2'), msg('o:3')], 1000)).toBe(2);
      expect(await store.insertOutboxRows(q, [], 1000)).toBe(0);
      expect([...(await store.existingDedupeKeys(q, ['o:1', 'o:3', 'o:9']))].sort()).toEqual(['o:1', 'o:3']);
      expect([...(await store.membersWithKind(q, [1001, 2], 'tier_changed'))]).toEqual([1001]);
    });
  });

  it('a claim takes due rows by priority, leases them, and only a leased row can be finished', async () => {
    await t.db.tx(async (q) => {
      await store.insertOutboxRow(q, msg('c:birthday', 'birthday_gift', 5), 2000, 2000);
      await store.insertOutboxRow(q, msg('c:tier', 'tier_changed', 5), 2000, 2000);
      await store.insertOutboxRow(q, msg('c:later', 'tier_changed', 5), 2000, 9_000_000);
    });
    const claimed = await t.db.tx((q) => store.claimDueRows(q, 'w1', 5000, 100, 60_000));
    const keys = claimed.map((r) => r.dedupe_key).filter((k) => k.startsWith('c:'));
    expect(keys).toEqual(['c:tier', 'c:birthday']); // tier changes first; the not-yet-due row stays
    // Leased for a minute of database time: a second claim before then takes nothing.
    expect(await t.db.tx((q) => store.claimDueRows(q, 'w2', 6000, 100, 60_000))).toEqual([]);
    const tier = claimed.find((r) => r.dedupe_key === 'c:tier')!;
    const birthday = claimed.find((r) => r.dedupe_key === 'c:birthday')!;
    await t.db.tx(async (q) => {
      expect(await store.finishRow(q, tier.id, 'w1', 'sent', 'wechat', 7000, null)).toBe(1);
      expect(await store.finishRow(q, tier.id, 'w1', 'parked', 'inbox', null, 'again')).toBe(0); // already finished
      expect(await store.retryRow(q, birthday.id, 'w1', 1, 8000, 'busy')).toBe(1);
      expect(await store.deferRow(q, birthday.id, 'w1', 9000)).toBe(0); // pending again: not ours to defer
    });
    const again = await t.db.tx((q) => store.claimDueRows(q, 'w3', 8000, 100, 60_000));
    expect(again.map((r) => [r.dedupe_key, Number(r.attempts)])).toContainEqual(['c:birthday', 1]);
    await t.db.tx((q) => store.releaseRows(q, 'w3'));
  });

  it('only the owner finishes, retries, defers or renews a row; a lapsed lease is taken over', async () => {
    await t.db.tx((q) => store.insertOutboxRow(q, msg('f:1', 'tier_changed', 6), 2000, 2000));
    const key = (rows: store.OutboxRow[]) => rows.filter((r) => r.dedupe_key === 'f:1');
    // Claimed with a lease already over (as if the owner stalled past it).
    const [mine] = key(await t.db.tx((q) => store.claimDueRows(q, 'slow', 3000, 100, -1)));
    expect(mine).toBeDefined();
    const [theirs] = key(await t.db.tx((q) => store.claimDueRows(q, 'fast', 3000, 100, 60_000)));
    expect(Number(theirs.id)).toBe(Number(mine.id));
    const row = () =>
      t.db.read((q) =>
        q.one<{ status: string; owner: string; attempts: number }>(
          'SELECT status, owner, attempts FROM outbox WHERE id = ?',
          [mine.id],
        ),
      );
    await t.db.tx(async (q) => {
      // The stalled owner can do nothing to the row any more.
      expect(await store.renewRow(q, mine.id, 'slow', 60_000)).toBe(false);
      expect(await store.finishRow(q, mine.id, 'slow', 'sent', 'wechat', 4000, null)).toBe(0);
      expect(await store.retryRow(q, mine.id, 'slow', 1, 5000, 'x')).toBe(0);
      expect(await store.deferRow(q, mine.id, 'slow', 5000)).toBe(0);
      expect(await store.releaseRows(q, 'slow')).toBe(0);
    });
    expect(await row()).toMatchObject({ status: 'sending', owner: 'fast' });
    expect(Number((await row())!.attempts)).toBe(0);
    // Its current owner can; given back, the row is claimable at once.
    expect(await t.db.tx((q) => store.renewRow(q, mine.id, 'fast', 60_000))).toBe(true);
    expect(await t.db.tx((q) => store.releaseRows(q, 'fast'))).toBe(1);
    const [next] = key(await t.db.tx((q) => store.claimDueRows(q, 'next', 3000, 100, 60_000)));
    expect(await t.db.tx((q) => store.finishRow(q, next.id, 'next', 'sent', 'wechat', 4000, null))).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', owner: 'next' });
  });
});

describe('inbox messages', () => {
  it('pages newest first, counts unread, and marks only the owner’s messages', async () => {
    await t.db.tx(async (q) => {
      for (const k of ['i:1', 'i:2', 'i:3', 'i:3'])
        await store.insertInboxMessage(
          q,
          { memberId: 7, kind: 'k', title: 't', body: 'b', page: null, dedupeKey: k },
          1,
        );
    });
    const page = await t.db.read((q) => store.inboxPage(q, 7, Number.MAX_SAFE_INTEGER, 2));
    expect(page).toHaveLength(2);
    expect(Number(page[0].id)).toBeGreaterThan(Number(page[1].id));
    const rest = await t.db.read((q) => store.inboxPage(q, 7, Number(page[1].id), 10));
    expect(rest).toHaveLength(1);
    await t.db.tx(async (q) => {
      expect(await store.unreadCount(q, 7)).toBe(3);
      expect(await store.ownsMessage(q, 8, Number(page[0].id))).toBe(false);
      expect(await store.markMessageRead(q, 7, Number(page[0].id), 5)).toBe(1);
      expect(await store.markMessageRead(q, 7, Number(page[0].id), 6)).toBe(0);
      expect(await store.unreadCount(q, 7)).toBe(2);
      expect(await store.markAllRead(q, 7, 9)).toBe(2);
      expect(await store.unreadCount(q, 7)).toBe(0);
    });
  });
});

describe('subscription allowances', () => {
  it('accept adds one, a send spends one, ban stops the template, refunds give back', async () => {
    await t.db.tx(async (q) => {
      await store.recordAnswer(q, 11, 'tier_changed', 'reject', 1);
      expect(await store.hasAnyAllowance(q, 11)).toBe(false); // a row alone is not a subscription
      await store.recordAnswer(q, 11, 'tier_changed', 'accept', 2);
      await store.recordAnswer(q, 11, 'tier_changed', 'accept', 3);
      expect(await store.hasAnyAllowance(q, 11)).toBe(true);
      expect(await store.spendAllowance(q, 11, 'tier_changed', 4)).toBe(true);
      await store.refundAllowance(q, 11, 'tier_changed');
      expect((await store.allowancesOf(q, 11)).map((r) => Number(r.allowance))).toEqual([2]);
      await store.clearAllowance(q, 11, 'tier_changed');
      expect(await store.spendAllowance(q, 11, 'tier_changed', 5)).toBe(false);
      await store.recordAnswer(q, 11, 'tier_changed', 'accept', 6);
      await store.recordAnswer(q, 11, 'tier_changed', 'ban', 7);
      expect(await store.spendAllowance(q, 11, 'tier_changed', 8)).toBe(false);
      const [row] = await store.allowancesOf(q, 11);
      expect([Number(row.allowance), Number(row.banned)]).toEqual([0, 1]);
    });
  });

  it('forgetting a member removes messages and subscriptions; the export shows them before', async () => {
    await t.db.tx(async (q) => {
      await store.recordAnswer(q, 12, 'birthday_gift', 'accept', 1);
      await store.insertInboxMessage(
        q,
        { memberId: 12, kind: 'k', title: 't', body: 'b', page: null, dedupeKey: 'f:1' },
        1,
      );
      const before = await store.exportMember(q, 12);
      expect([before.messages.length, before.subscriptions.length]).toEqual([1, 1]);
      await store.forgetMember(q, 12);
      const after = await store.exportMember(q, 12);
      expect([after.messages.length, after.subscriptions.length]).toEqual([0, 0]);
    });
  });
});

describe('subscribers of a template', () => {
  it('pages members with an allowance left and no ban, in id order after a cursor', async () => {
    await t.db.tx(async (q) => {
      for (const id of [903, 901, 902, 904]) await store.recordAnswer(q, id, 'checkin_reminder', 'accept', 1);
      await store.recordAnswer(q, 905, 'checkin_reminder', 'reject', 1); // a row, no allowance
      await store.recordAnswer(q, 902, 'checkin_reminder', 'ban', 1);
      await store.recordAnswer(q, 906, 'tier_changed', 'accept', 1); // another template
      expect(await store.spendAllowance(q, 904, 'checkin_reminder', 2)).toBe(true); // none left
      expect(await store.subscribedAfter(q, 'checkin_reminder', 900, 10)).toEqual([901, 903]);
      expect(await store.subscribedAfter(q, 'checkin_reminder', 900, 1)).toEqual([901]);
      expect(await store.subscribedAfter(q, 'checkin_reminder', 901, 10)).toEqual([903]);
    });
  });
});

describe('invariants', () => {
  const run = (name: string) =>
    t.db.read((q) => notificationInvariants.find((c) => c.name.startsWith(name))!.run(q, 20));

  it('a birthday gift or referral reward without its message is reported', async () => {
    await t.db.tx(async (q) => {
      const entry = (key: string, reason: string) =>
        q.exec(
          "INSERT INTO points_entries (member_id, idem_key, input_hash, delta, type, reason, balance_after, created_at) VALUES (1, ?, '', 10, 'credit', ?, 10, 1)",
          [key, reason],
        );
      await entry('birthday:2026:1', 'birthday_gift');
      await entry('referral:42:inviter', 'referral_inviter');
    });
    expect((await run('outbox: every birthday')).map((r) => r.idem_key).sort()).toEqual([
      'birthday:2026:1',
      'referral:42:inviter',
    ]);
    await t.db.tx(async (q) => {
      await store.insertOutboxRow(q, msg('birthday:2026:1', 'birthday_gift'), 1, 1);
      await store.insertOutboxRow(q, msg('referral:42', 'referral_reward'), 1, 1);
    });
    expect(await run('outbox: every birthday')).toEqual([]);
  });

  it('a tier changed after registration without its message is reported; the starting tier is not', async () => {
    const id = await t.db.tx(async (q) => {
      await insertMemberIgnore(q, 'inv-tier', null, 1000);
      const m = (await memberByOpenid(q, 'inv-tier'))!;
      await insertTierRow(q, Number(m.id), 'normal', new Date(1000));
      return Number(m.id);
    });
    expect(await run('outbox: every tier change')).toEqual([]);
    await t.db.tx((q) => moveTier(q, id, 'normal', 'silver', new Date(5000)));
    expect(await run('outbox: every tier change')).toEqual([{ member_id: id, tier_code: 'silver' }]);
    await t.db.tx((q) => store.insertOutboxRow(q, msg(`tier:${id}`, 'tier_changed', id), 5000, 5000));
    expect(await run('outbox: every tier change')).toEqual([]);
  });
});
