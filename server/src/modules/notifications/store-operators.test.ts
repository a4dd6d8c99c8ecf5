import { openTestDb, type TestDb } from '../../../test/db';
import {
  insertOperatorMessage,
  markOperatorRead,
  operatorKeysIn,
  operatorMessageExists,
  operatorMessages,
  operatorUnread,
} from './store-operators';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const msg = (key: string) => ({ kind: 'alert', title: '运营预警', body: `notice ${key}`, dedupeKey: key });

describe("operators' inbox", () => {
  it('one message per dedupe key, newest first, with the unread count', async () => {
    expect(await t.db.tx((q) => insertOperatorMessage(q, msg('k1'), 1))).toBe(true);
    expect(await t.db.tx((q) => insertOperatorMessage(q, msg('k1'), 2))).toBe(false);
    expect(await t.db.tx((q) => insertOperatorMessage(q, msg('k2'), 3))).toBe(true);
    const rows = await t.db.read((q) => operatorMessages(q, 10));
    expect(rows.map((r) => r.body)).toEqual(['notice k2', 'notice k1']);
    expect(await t.db.read((q) => operatorUnread(q))).toBe(2);
    expect(await t.db.read((q) => operatorKeysIn(q, ['k1', 'k3']))).toEqual(new Set(['k1']));
  });

  it('marks one read, then all; a second mark changes nothing', async () => {
    const [newest] = await t.db.read((q) => operatorMessages(q, 1));
    expect(await t.db.read((q) => operatorMessageExists(q, Number(newest.id)))).toBe(true);
    expect(await t.db.read((q) => operatorMessageExists(q, 999_999))).toBe(false);
    expect(await t.db.tx((q) => markOperatorRead(q, [Number(newest.id)], 10))).toBe(1);
    expect(await t.db.read((q) => operatorUnread(q))).toBe(1);
    expect(await t.db.tx((q) => markOperatorRead(q, null, 11))).toBe(1);
    expect(await t.db.tx((q) => markOperatorRead(q, null, 12))).toBe(0);
    expect(await t.db.read((q) => operatorUnread(q))).toBe(0);
  });
});
