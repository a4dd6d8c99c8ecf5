import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey } from '../../db/database';
import {
  bind,
  codeOf,
  codeOwner,
  countRewarded,
  deleteCodeOf,
  deletePosterCodeOf,
  insertCode,
  inviteFunnel,
  invitesOf,
  inviterOf,
  markCapped,
  markPurchased,
  markRewarded,
  posterCodeOf,
  purchasedBefore,
  rewardedCount,
  savePosterCode,
  unmarkPurchased,
} from './store';

let t: TestDb;
const at = (ms: number) => new Date(1_780_000_000_000 + ms);
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

describe('referral store', () => {
  it('poster codes: one per member, replaced when made anew, gone with the account', async () => {
    await t.db.tx(async (q) => {
      const row = { scene: 'r=ABCDEFGH', page: 'pages/index/index', env_version: 'release', png_base64: 'iVBORw0K' };
      expect(await posterCodeOf(q, 501)).toBeUndefined();
      await savePosterCode(q, 501, row, at(0).getTime());
      await savePosterCode(q, 502, { ...row, scene: 'r=HGFEDCBA' }, at(0).getTime());
      expect(await posterCodeOf(q, 501)).toEqual(row);
      await savePosterCode(q, 501, { ...row, env_version: 'trial', png_base64: 'AAAA' }, at(1).getTime());
      expect(await posterCodeOf(q, 501)).toEqual({ ...row, env_version: 'trial', png_base64: 'AAAA' });
      await deletePosterCodeOf(q, 501);
      expect(await posterCodeOf(q, 501)).toBeUndefined();
      expect((await posterCodeOf(q, 502))?.scene).toBe('r=HGFEDCBA');
    });
  });

  it('codes: one per member, unique across members, gone with the account', async () => {
    await t.db.tx(async (q) => {
      await insertCode(q, 1, 'ABCD2345', at(0));
      await insertCode(q, 1, 'WXYZ2345', at(0)); // the member has one: ignored
      expect(await codeOf(q, 1)).toBe('ABCD2345');
      expect(await codeOwner(q, 'ABCD2345')).toEqual({ memberId: 1, status: null }); // no members row here
      expect(await codeOwner(q, 'NONE2345')).toBeUndefined();
    });
    const taken = await t.db
      .tx((q) => insertCode(q, 2, 'ABCD2345', at(0)))
      .then(
        () => 'written',
        (err) => (isDuplicateKey(err) ? 'duplicate' : err),
      );
    // INSERT IGNORE on MySQL skips a taken code silently; either way member 2 has no code.
    expect(['written', 'duplicate']).toContain(taken);
    await t.db.tx(async (q) => {
      expect(await codeOf(q, 2)).toBeUndefined();
      await deleteCodeOf(q, 1);
      expect(await codeOf(q, 1)).toBeUndefined();
    });
  });

  it('an invitee is bound once; purchase, settlement and reward move its status', async () => {
    await t.db.tx(async (q) => {
      expect(await bind(q, 10, 1, at(100))).toBe(true);
      expect(await bind(q, 10, 2, at(200))).toBe(false); // one inviter per member
      expect(await bind(q, 11, 1, at(300))).toBe(true);
      expect(await inviterOf(q, 10)).toBe(1);
      expect(await inviterOf(q, 99)).toBeUndefined();

      await markPurchased(q, 10, at(1000));
      await markPurchased(q, 10, at(2000)); // the first purchase stays the first
      expect(await purchasedBefore(q, at(1000).getTime(), 10)).toEqual([10]);
      expect(await purchasedBefore(q, at(999).getTime(), 10)).toEqual([]);
      await unmarkPurchased(q, 10);
      expect(await purchasedBefore(q, at(5000).getTime(), 10)).toEqual([]);

      expect(await countRewarded(q, 1, at(3000))).toBe(1);
      expect(await markRewarded(q, 10, 1, at(3000))).toBe(true);
      expect(await markRewarded(q, 10, 2, at(3000))).toBe(false); // paid once
      await markCapped(q, 11);
      expect(await rewardedCount(q, 1)).toBe(1);
      expect(await rewardedCount(q, 2)).toBe(0);
      expect(await invitesOf(q, 1, 200)).toEqual([
        { inviteeId: 11, status: 'capped', createdAt: at(300).getTime() },
        { inviteeId: 10, status: 'rewarded', createdAt: at(100).getTime() },
      ]);
      expect(await invitesOf(q, 1, 1)).toHaveLength(1);
    });
  });

  it('the funnel counts invites bound in a range and those with a first purchase', async () => {
    await t.db.tx(async (q) => {
      await bind(q, 12, 3, at(400));
      await markPurchased(q, 12, at(500));
      expect(await inviteFunnel(q, at(0).getTime(), at(1000).getTime())).toEqual({ registered: 3, purchased: 1 });
      expect(await inviteFunnel(q, at(350).getTime(), at(400).getTime())).toEqual({ registered: 0, purchased: 0 });
    });
  });
});
