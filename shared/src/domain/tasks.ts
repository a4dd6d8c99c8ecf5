import { cycleStart } from './checkin';

/**
 * Tasks: configurable, each done once per period (once / daily / weekly). Some
 * the server can check (profile complete, first purchase, subscribed); others
 * only the client can report (shared, browsed), so those are capped per day.
 */
export type TaskKind = 'client' | 'profile' | 'first_purchase' | 'subscribe';
export interface TaskDef {
  code: string;
  title: string;
  period: 'once' | 'daily' | 'weekly';
  kind: TaskKind;
  points: number;
  growth: number;
}
export interface TaskCatalog {
  tasks: TaskDef[];
  clientReportsPerDay: number;
}

export const DEFAULT_TASKS: TaskCatalog = {
  clientReportsPerDay: 3,
  tasks: [
    { code: 'complete_profile', title: '完善个人资料', period: 'once', kind: 'profile', points: 50, growth: 20 },
    { code: 'first_purchase', title: '完成首次消费', period: 'once', kind: 'first_purchase', points: 100, growth: 0 },
    { code: 'subscribe', title: '订阅会员消息', period: 'once', kind: 'subscribe', points: 20, growth: 0 },
    { code: 'share_app', title: '分享小程序给好友', period: 'daily', kind: 'client', points: 5, growth: 1 },
    { code: 'browse_benefits', title: '逛逛积分商城', period: 'daily', kind: 'client', points: 2, growth: 0 },
  ],
};

/** The key of the period a business date falls in: one completion per (task, period). */
export function periodKey(period: TaskDef['period'], date: string): string {
  if (period === 'once') return 'once';
  if (period === 'daily') return date;
  return `w${cycleStart(date, 'weekly')}`;
}

export function validateTaskCatalog(c: TaskCatalog): string | null {
  if (!Number.isInteger(c.clientReportsPerDay) || c.clientReportsPerDay < 0 || c.clientReportsPerDay > 100)
    return 'clientReportsPerDay must be 0-100';
  const codes = new Set<string>();
  for (const t of c.tasks) {
    if (!/^[a-z][a-z0-9_]{1,31}$/.test(t.code)) return `task code ${t.code}: lower_snake, 2-32 characters`;
    if (codes.has(t.code)) return `task code ${t.code} appears twice`;
    codes.add(t.code);
    if (!t.title || t.title.length > 32) return `task ${t.code}: title 1-32 characters`;
    if (!['once', 'daily', 'weekly'].includes(t.period)) return `task ${t.code}: period must be once, daily or weekly`;
    if (!['client', 'profile', 'first_purchase', 'subscribe'].includes(t.kind)) return `task ${t.code}: unknown kind`;
    if (!Number.isInteger(t.points) || t.points < 0 || t.points > 100_000) return `task ${t.code}: points 0-100000`;
    if (!Number.isInteger(t.growth) || t.growth < 0 || t.growth > 100_000) return `task ${t.code}: growth 0-100000`;
    if (t.points === 0 && t.growth === 0) return `task ${t.code}: rewards nothing`;
  }
  return null;
}
