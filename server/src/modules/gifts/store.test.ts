import { openTestDb, type TestDb } from '../../../test/db';
import * as store from './store';
import { grantStatus, ledgerKeyOf, reachedBy, voucherKeyOf } from './rules';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const NOW = Date.UTC(2027, 0, 1, 4);
let member = 1000;
const grant = (memberId: number, over: Partial<store.NewGrant> = {}): store.NewGrant => ({
  ruleId: 7,
  memberId,
  occurrence: 'once',
  trigger: 'join',
  points: 10,
  vouchersJson: '[]',
  ...over,
});

describe('gift grants', () => {
  it('one grant per (rule, member, occurrence), even when written by many units of work at once', async () => {
    const m = ++member;
    await Promise.all(Array.from({ length: 8 }, () => t.db.tx((q) => store.insertGrantsIn(q, [grant(m)], NOW))));
    await t.db.tx((q) => store.insertGrantsIn(q, [grant(m, { occurrence: '2027-01' }), grant(m)], NOW));
    const rows = await t.db.read((q) => store.grantsPageIn(q, { memberId: m, limit: 10 }));
    expect(rows.map((r) => r.occurrence).sort()).toEqual(['2027-01', 'once']);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
  });

  it('a grant is taken (pending -> granted) by one unit of work only', async () => {
    const ms = [++member, ++member, ++member];
    await t.db.tx((q) =>
      store.insertGrantsIn(
        q,
        ms.map((m) => grant(m)),
        NOW,
      ),
    );
    const pending = await t.db.read((q) => store.pendingOfMembersIn(q, 7, 'once', ms));
    const ids = pending.map((r) => Number(r.id));
    const taken = await Promise.all(
      [0, 1, 2, 3].map(() =>
        t.db.tx(async (q) => {
          const mine = await store.takeGrantsIn(q, ids, NOW);
          await q.script([...mine].map((id) => store.finishGrantStep(id, 'granted', '{"vouchers":[]}')));
          return [...mine];
        }),
      ),
    );
    expect(taken.flat().sort()).toEqual([...ids].sort());
    expect(await t.db.read((q) => store.pendingOfMembersIn(q, 7, 'once', ms))).toEqual([]);
    const tally = (await t.db.read((q) => store.grantTalliesIn(q, 7))).get(7)!;
    expect(tally.granted).toBeGreaterThanOrEqual(3);
  });

  it('claims: two owners at once take disjoint grants; a claimed grant is fenced on its owner', async () => {
    const ms = Array.from({ length: 6 }, () => ++member);
    await t.db.tx((q) =>
      store.insertGrantsIn(
        q,
        ms.map((m) => grant(m, { ruleId: 8 })),
        NOW,
      ),
    );
    const [a, b] = await Promise.all(
      ['a', 'b'].map((owner) => t.db.tx((q) => store.claimPendingIn(q, owner, 100, 60_000))),
    );
    const ofRule = (rows: store.GrantRow[]) => rows.filter((r) => Number(r.rule_id) === 8).map((r) => Number(r.id));
    const all = [...ofRule(a), ...ofRule(b)];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(6);
    const holder = ofRule(a).length ? 'a' : 'b';
    const id = ofRule(holder === 'a' ? a : b)[0];
    // Not ours: nothing flips. Nobody else may claim it while the lease runs.
    expect((await t.db.tx((q) => store.takeGrantsIn(q, [id], NOW, 'intruder'))).size).toBe(0);
    expect(ofRule(await t.db.tx((q) => store.claimPendingIn(q, 'c', 100, 60_000)))).toEqual([]);
    // Handed back, another owner takes it.
    await t.db.tx((q) => store.releaseClaimIn(q, holder));
    expect(ofRule(await t.db.tx((q) => store.claimPendingIn(q, 'c', 100, 60_000))).length).toBeGreaterThan(0);
    expect((await t.db.tx((q) => store.takeGrantsIn(q, [id], NOW, 'c'))).size).toBe(1);
  });

  it('rules: insert, patch, enabled by trigger; grants page by rule and status with a cursor', async () => {
    const id = await t.db.tx((q) =>
      store.insertRuleIn(
        q,
        {
          name: 'gold pack',
          trigger: 'monthly_pack',
          tierCode: 'gold',
          points: 0,
          vouchersJson: '[{"benefitId":1,"count":2}]',
          status: 'enabled',
        },
        NOW,
      ),
    );
    expect((await t.db.read((q) => store.enabledRulesIn(q, 'monthly_pack'))).map((r) => Number(r.id))).toContain(id);
    await t.db.tx((q) => store.updateRuleIn(q, id, { status: 'disabled', name: 'gold pack 2' }, NOW + 1));
    expect((await t.db.read((q) => store.enabledRulesIn(q, 'monthly_pack'))).map((r) => Number(r.id))).not.toContain(
      id,
    );
    expect(await t.db.read((q) => store.ruleIn(q, id))).toMatchObject({ name: 'gold pack 2', tier_code: 'gold' });
    const page1 = await t.db.read((q) => store.grantsPageIn(q, { status: 'pending', limit: 2 }));
    expect(page1).toHaveLength(3);
    const page2 = await t.db.read((q) =>
      store.grantsPageIn(q, { status: 'pending', beforeId: Number(page1[1].id), limit: 2 }),
    );
    expect(Number(page2[0].id)).toBeLessThan(Number(page1[1].id));
  });
});

describe('gift rules (pure)', () => {
  const rules = [
    { id: 1, tier_code: 'silver' },
    { id: 2, tier_code: 'gold' },
  ];
  const order = ['normal', 'silver', 'gold'];
  it('an upgrade reaches every tier above the old one up to the new one', () => {
    expect(reachedBy(rules, order, 'normal', 'silver').map((r) => r.id)).toEqual([1]);
    expect(reachedBy(rules, order, 'normal', 'gold').map((r) => r.id)).toEqual([1, 2]);
    expect(reachedBy(rules, order, 'silver', 'gold').map((r) => r.id)).toEqual([2]);
    expect(reachedBy(rules, order, 'gold', 'silver')).toEqual([]);
  });
  it('status: granted, partial or skipped', () => {
    const line = (given: number) => ({ benefitId: 1, count: 2, given, skipped: given < 2 ? 'out_of_stock' : null });
    expect(grantStatus(0, [line(2)])).toBe('granted');
    expect(grantStatus(0, [line(1)])).toBe('partial');
    expect(grantStatus(5, [line(0)])).toBe('partial');
    expect(grantStatus(0, [line(0)])).toBe('skipped');
    expect(grantStatus(5, [])).toBe('granted');
  });
  it('keys: the tier birthday points keep their ledger key; voucher keys fit the column', () => {
    expect(ledgerKeyOf({ rule_id: 0, member_id: 9, occurrence: '2027' })).toBe('birthday:2027:9');
    expect(ledgerKeyOf({ rule_id: 3, member_id: 9, occurrence: '2027-01' })).toBe('gift:3:9:2027-01');
    expect(
      voucherKeyOf({ rule_id: 999999999, member_id: 9, occurrence: '2027-01' }, 999999999, 9).length,
    ).toBeLessThanOrEqual(80);
  });
});
