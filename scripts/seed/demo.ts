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

/** A few benefits for the points mall: one for everyone, one limited, one for gold members only. */
export const DEMO_BENEFITS = [
  {
    title: '中杯咖啡兑换券',
    description: '任意门店可用，限中杯',
    cost: 300,
    stock: 500,
    limit: 2,
    minTier: null,
    validDays: 30,
  },
  {
    title: '满100减20优惠券',
    description: '单笔消费满100元可用',
    cost: 500,
    stock: 200,
    limit: 1,
    minTier: null,
    validDays: 14,
  },
  {
    title: '新品蛋糕免费试吃',
    description: '每周新品，先到先得',
    cost: 0,
    stock: 100,
    limit: 1,
    minTier: null,
    validDays: 7,
  },
  {
    title: '金卡专享下午茶',
    description: '两人份下午茶套餐',
    cost: 2000,
    stock: 50,
    limit: 1,
    minTier: 'gold',
    validDays: 60,
  },
];

export async function seedDemo(ctx: AppContext): Promise<{ created: boolean }> {
  // Demo accounts have published passwords: never in production (use npm run create-operator).
  if (ctx.config.env === 'production') throw new Error('Refusing to seed demo data with NODE_ENV=production');
  const now = ctx.clock.now();
  return ctx.db.tx(async (q) => {
    if (await ctx.staff.hasAccount(q, 'operator')) return { created: false };
    const storeIds = new Map<string, number>();
    for (const s of DEMO_STORES) storeIds.set(s.code, await ctx.staff.ensureStore(q, s, now));
    for (const a of DEMO_ACCOUNTS) {
      await ctx.staff.create(
        q,
        {
          username: a.username,
          password: a.password,
          displayName: a.displayName,
          role: a.role,
          storeId: a.store ? storeIds.get(a.store)! : null,
        },
        now,
      );
    }
    for (const b of DEMO_BENEFITS) {
      await ctx.catalogue.seedIn(
        q,
        {
          title: b.title,
          description: b.description,
          kind: 'voucher',
          costPoints: b.cost,
          stock: b.stock,
          perMemberLimit: b.limit,
          minTier: b.minTier,
          visibleFrom: null,
          visibleUntil: null,
          validDays: b.validDays,
          validUntil: null,
        },
        now.getTime(),
      );
    }
    // Tiers use the built-in defaults (普卡 / 银卡 / 金卡); the 18th of each month is member day (double points).
    await ctx.settings.set(q, 'checkout.memberDays', { weekdays: [], monthDays: [18], multiplierPercent: 200 }, now);
    return { created: true };
  });
}
