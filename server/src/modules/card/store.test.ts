import { openTestDb, type TestDb } from '../../../test/db';
import { isDuplicateKey, type Q } from '../../db/database';
import { closeAccount, insertMemberIgnore, memberByOpenid } from '../members/store';
import * as card from './store';

const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

let seq = 0;
async function newMember(q: Q): Promise<number> {
  await insertMemberIgnore(q, `card-${++seq}`, null, NOW);
  return Number((await memberByOpenid(q, `card-${seq}`))!.id);
}

test('a secret is stored once (a second insert keeps the first) and deleted with the account', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    expect(await card.secretOf(q, id)).toBeUndefined();
    await card.insertSecretIgnore(q, id, 'aa', NOW);
    await card.insertSecretIgnore(q, id, 'bb', NOW);
    expect(await card.secretOf(q, id)).toBe('aa');
    await card.deleteSecret(q, id);
    expect(await card.secretOf(q, id)).toBeUndefined();
  });
});

test('the counter reads the secret of an active member only', async () => {
  await t.db.tx(async (q) => {
    const id = await newMember(q);
    await card.insertSecretIgnore(q, id, 'cc', NOW);
    expect(await card.activeSecretOf(q, id)).toBe('cc');
    await closeAccount(q, id, `deleted:${id}`, NOW);
    expect(await card.secretOf(q, id)).toBe('cc');
    expect(await card.activeSecretOf(q, id)).toBeUndefined();
    expect(await card.activeSecretOf(q, 987_654)).toBeUndefined();
  });
});

test('a code step is used once per member', async () => {
  const id = await t.db.tx((q) => newMember(q));
  const use = { memberId: id, step: 42, storeId: 1, staffId: 1, orderNo: 'A1' };
  await t.db.tx((q) => card.insertCodeUse(q, use, NOW));
  await t.db.tx((q) => card.insertCodeUse(q, { ...use, step: 43, orderNo: 'A2' }, NOW));
  const err = await t.db.tx((q) => card.insertCodeUse(q, { ...use, orderNo: 'A3' }, NOW)).catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
  // The variant a checkout sends with its order claim: no error, 0 when the step was used.
  expect(await t.db.tx((q) => card.insertCodeUseIgnore(q, { ...use, orderNo: 'A4' }, NOW))).toBe(0);
  expect(await t.db.tx((q) => card.insertCodeUseIgnore(q, { ...use, step: 44, orderNo: 'A5' }, NOW))).toBe(1);
});
