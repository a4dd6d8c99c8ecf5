import { DEFAULT_TIER_RULES } from '@huiyuan/shared';
import { openTestDb, type TestDb } from '../../../test/db';
import { Settings, storedValue } from './settings';
import * as store from './store';

const NOW = Date.UTC(2026, 0, 10, 4);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

test('raw rows: insert, update, keys', async () => {
  await t.db.tx(async (q) => {
    expect(await store.storedJson(q, 'x.raw')).toBeUndefined();
    await store.insertJson(q, 'x.raw', '1', NOW);
    await store.updateJson(q, 'x.raw', '2', NOW + 1);
    expect(await store.storedJson(q, 'x.raw')).toBe('2');
    expect(await store.storedKeys(q)).toContain('x.raw');
    expect(await store.updatedAt(q, 'x.raw')).toBe(NOW + 1);
    expect(await store.updatedAt(q, 'x.none')).toBeUndefined();
  });
});

test('changedAt: null while a key has its default, the time of the last set after', async () => {
  const settings = new Settings(t.db, 60_000);
  expect(await settings.changedAt('members.phoneTyping')).toBeNull();
  expect(await settings.get('members.phoneTyping')).toBe(false);
  await t.db.tx((q) => settings.set(q, 'members.phoneTyping', true, new Date(NOW + 7)));
  expect(await settings.changedAt('members.phoneTyping')).toBe(NOW + 7);
  expect(await settings.get('members.phoneTyping')).toBe(true);
});

test('a setting reads its default until set; set returns the previous value and is read uncached by storedValue', async () => {
  const settings = new Settings(t.db, 60_000);
  expect(await settings.get('points.valueCents')).toBe(1);
  expect(await t.db.read((q) => storedValue(q, 'tiers.rules'))).toEqual(DEFAULT_TIER_RULES);
  expect(await t.db.tx((q) => settings.set(q, 'points.valueCents', 3, new Date(NOW)))).toBe(1);
  expect(await t.db.tx((q) => settings.set(q, 'points.valueCents', 4, new Date(NOW)))).toBe(3);
  expect(await settings.get('points.valueCents')).toBe(4);
  expect(await t.db.read((q) => storedValue(q, 'points.valueCents'))).toBe(4);
  expect((await settings.storedKeys()).has('points.valueCents')).toBe(true);
  expect((await settings.storedKeys()).has('checkout.caps')).toBe(false);
});
