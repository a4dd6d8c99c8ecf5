import type { AppContext } from '@huiyuan/server';

/**
 * Demo configuration for `npm start`: a store, its staff, a manager and an
 * operator. Idempotent: running it again on the same database changes nothing.
 * Capabilities that add configuration (tiers, benefits...) extend `seedDemo`.
 */
export const DEMO_ACCOUNTS = [
  { username: 'staff', password: 'staff123', displayName: '店员小王', role: 'staff' as const, store: 'SH001' },
  { username: 'manager', password: 'manager123', displayName: '店长老李', role: 'manager' as const, store: 'SH001' },
  { username: 'staff2', password: 'staff123', displayName: '店员小陈', role: 'staff' as const, store: 'BJ001' },
  { username: 'operator', password: 'operator123', displayName: '运营小张', role: 'operator' as const, store: null },
];

export const DEMO_STORES = [
  { code: 'SH001', name: '上海人民广场店' },
  { code: 'BJ001', name: '北京三里屯店' },
];

export async function seedDemo(ctx: AppContext): Promise<{ created: boolean }> {
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    if (await q.one('SELECT id FROM staff_accounts WHERE username = ?', ['operator'])) return { created: false };
    const storeIds = new Map<string, number>();
    for (const s of DEMO_STORES) {
      const existing = await q.one<{ id: number }>('SELECT id FROM stores WHERE code = ?', [s.code]);
      storeIds.set(s.code, existing ? Number(existing.id) : await ctx.staff.createStore(q, s, now));
    }
    for (const a of DEMO_ACCOUNTS) {
      await ctx.staff.create(q, { username: a.username, password: a.password, displayName: a.displayName, role: a.role, storeId: a.store ? storeIds.get(a.store)! : null }, now);
    }
    return { created: true };
  });
}
