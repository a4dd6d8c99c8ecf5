import { openTestDb, type TestDb } from '../../../test/db';
import type { Q } from '../../db/database';
import * as m from './store';

const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

let seq = 0;
const register = (q: Q, at = NOW) => m.insertMemberIgnore(q, `openid-${++seq}`, null, at);
async function newMember(q: Q, at = NOW): Promise<number> {
  await register(q, at);
  return Number((await m.memberByOpenid(q, `openid-${seq}`))!.id);
}

test('registration: one row per openid (insert-ignore), unionid set later', async () => {
  await t.db.tx(async (q) => {
    expect(await m.insertMemberIgnore(q, 'dup-openid', null, NOW)).toBe(1);
    expect(await m.insertMemberIgnore(q, 'dup-openid', 'u1', NOW)).toBe(0);
    const row = (await m.memberByOpenid(q, 'dup-openid'))!;
    expect([row.status, Number(row.token_version), row.unionid]).toEqual(['active', 0, null]);
    await m.setUnionid(q, Number(row.id), 'u1', NOW + 1);
    expect((await m.memberByOpenid(q, 'dup-openid'))!.unionid).toBe('u1');
    expect(await m.tokenVersionOf(q, Number(row.id))).toBe(0);
    expect(await m.tokenVersionOf(q, 999_999)).toBeUndefined();
  });
});

test('profile updates; the birthday is set once', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    await m.setNickname(q, id, '小明', NOW);
    expect(await m.setBirthdayOnce(q, id, '1990-02-28', NOW)).toBe(1);
    expect(await m.setBirthdayOnce(q, id, '1991-03-01', NOW)).toBe(0);
    await m.setPhone(q, id, 'enc', 'hmac-1', NOW);
    await m.setConsent(q, id, 'v2', NOW + 5);
    const p = (await m.activeProfile(q, id))!;
    expect([p.nickname, p.birthday, p.phone_enc, p.consent_version, Number(p.consent_at)]).toEqual([
      '小明',
      '1990-02-28',
      'enc',
      'v2',
      NOW + 5,
    ]);
    expect(await m.contactOf(q, id)).toEqual({ nickname: '小明', birthday: '1990-02-28', phone_enc: 'enc' });
    expect(await m.phoneHmacOf(q, id)).toBe('hmac-1');
    expect(await m.idsByPhoneHash(q, 'hmac-1')).toEqual([id]);
    expect((await m.nicknameOf(q, id))?.nickname).toBe('小明');
    expect(await m.registeredAt(q, id)).toBe(NOW);
  });
});

test('consent is kept from its first acceptance per version; the phone carries whether WeChat verified it', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    expect(await m.setConsent(q, id, 'v1', NOW)).toBe(1);
    expect(await m.setConsent(q, id, 'v1', NOW + 10)).toBe(0);
    expect(Number((await m.activeProfile(q, id))!.consent_at)).toBe(NOW);
    expect(await m.setConsent(q, id, 'v2', NOW + 20)).toBe(1);
    expect((await m.activeProfile(q, id))!).toMatchObject({ consent_version: 'v2' });
    expect(Number((await m.activeProfile(q, id))!.consent_at)).toBe(NOW + 20);
    expect(Number((await m.activeProfile(q, id))!.phone_verified)).toBe(0);
    await m.setPhone(q, id, 'enc-w', 'hmac-w', NOW, true);
    expect(Number((await m.activeProfile(q, id))!.phone_verified)).toBe(1);
    expect(Number((await m.exportRow(q, id))!.phone_verified)).toBe(1);
    await m.setPhone(q, id, 'enc-t', 'hmac-t', NOW);
    expect(Number((await m.activeProfile(q, id))!.phone_verified)).toBe(0);
    await m.setPhone(q, id, 'enc-w2', 'hmac-w2', NOW, true);
    await m.closeAccount(q, id, `deleted:${id}`, NOW + 30);
    expect(await m.exportRow(q, id)).toMatchObject({
      phone_enc: null,
      consent_version: null,
      consent_at: null,
      status: 'deleted',
    });
    expect(Number((await m.exportRow(q, id))!.phone_verified)).toBe(0);
  });
});

test('batched reads: one IN query answers for every id asked, unknown ids are absent', async () => {
  await t.db.tx(async (q) => {
    const a = await newMember(q);
    const b = await newMember(q);
    await m.setNickname(q, b, 'B', NOW);
    const states = await m.accountStates(q, [a, b, 987_654]);
    expect(states.map((s) => Number(s.id)).sort((x, y) => x - y)).toEqual([a, b]);
    expect(await m.accountStates(q, [])).toEqual([]);
    const names = await m.nicknamesOf(q, [a, b, b, 987_654]);
    expect([...names.entries()].sort()).toEqual([
      [a, null],
      [b, 'B'],
    ]);
    expect((await m.accountsOf(q, [b])).map((r) => [Number(r.id), r.status])).toEqual([[b, 'active']]);
    expect(await m.memberExists(q, a)).toBe(true);
    expect(await m.memberExists(q, 987_654)).toBe(false);
  });
});

test('keyset walks: all ids, churn candidates, birthdays (Feb 29 asked with Feb 28)', async () => {
  await t.db.tx(async (q) => {
    const old = await newMember(q, NOW - 100);
    const fresh = await newMember(q, NOW + 100);
    const leap = await newMember(q, NOW);
    await m.setBirthdayOnce(q, old, '1990-02-28', NOW);
    await m.setBirthdayOnce(q, leap, '1992-02-29', NOW);
    const ids = await m.memberIdsAfter(q, old - 1, 1000);
    expect(ids).toEqual(expect.arrayContaining([old, fresh, leap]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(await m.memberIdsAfter(q, fresh, 1)).toEqual([leap]);
    const before = await m.activeIdsRegisteredBefore(q, old - 1, NOW, 1000);
    expect(before).toContain(old);
    expect(before).not.toContain(fresh);
    expect(await m.birthdaysAfter(q, old - 1, ['02-28', '02-29'], 1000)).toEqual([old, leap]);
    expect(await m.birthdaysAfter(q, old - 1, ['02-29'], 1000)).toEqual([leap]);
    expect(await m.countRegistered(q, NOW + 50, NOW + 150)).toBe(1);
    expect(await m.countRegistered(q, null, NOW + 1_000)).toBeGreaterThanOrEqual(3);
  });
});

test('fragments: active condition and nickname inside another statement', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    await m.setNickname(q, id, 'N', NOW);
    const row = await q.one<{ active: number; nick: string; status: string }>(
      `SELECT CASE WHEN ${m.memberSql.isActive('?')} THEN 1 ELSE 0 END AS active, ${m.memberSql.nickname('?')} AS nick, ${m.memberSql.status('?')} AS status`,
      [id, id, id],
    );
    expect([Number(row!.active), row!.nick, row!.status]).toEqual([1, 'N', 'active']);
  });
});

test('closing an account clears personal fields, frees the openid and ends sessions; identities are remembered once', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    const openid = `openid-${seq}`;
    await m.setPhone(q, id, 'enc', 'hmac-close', NOW);
    expect(await m.identityOf(q, id)).toEqual({ openid, phone_hmac: 'hmac-close', status: 'active' });
    expect((await m.exportRow(q, id))!.openid).toBe(openid);
    await m.closeAccount(q, id, `deleted:${id}:x`, NOW + 1);
    expect(await m.activeProfile(q, id)).toBeUndefined();
    expect(await m.statusOf(q, id)).toEqual({ status: 'deleted' });
    expect(await m.tokenVersionOf(q, id)).toBe(1);
    expect(await m.memberByOpenid(q, openid)).toBeUndefined();
    expect(await m.isClosedIdentity(q, 'h-1')).toBe(false);
    await m.rememberClosedIdentity(q, 'h-1', NOW);
    await m.rememberClosedIdentity(q, 'h-1', NOW + 1);
    expect(await m.isClosedIdentity(q, 'h-1')).toBe(true);
  });
});
