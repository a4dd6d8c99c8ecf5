import { cycleStart } from './checkin';

/**
 * Tasks: configurable, each done once per period (once / daily / weekly). Some
 * the server can check (profile complete, first purchase, subscribed); `browse`
 * is checked by a signed start token and the server's clock, `share` is paid per
 * new member arriving through the sharer's link (per action, under `dailyCap`);
 * `client` tasks are the client's word alone, capped per day.
 */
export type TaskKind = 'client' | 'profile' | 'first_purchase' | 'subscribe' | 'browse' | 'share';
export const TASK_KINDS: TaskKind[] = ['client', 'profile', 'first_purchase', 'subscribe', 'browse', 'share'];
/** How long a browse page must stay open when the task does not say. */
export const DEFAULT_BROWSE_SECONDS = 15;
/** Paid share actions per member and business date when the task does not say. */
export const DEFAULT_SHARE_DAILY_CAP = 3;
export interface TaskDef {
  code: string;
  title: string;
  period: 'once' | 'daily' | 'weekly';
  kind: TaskKind;
  points: number;
  growth: number;
  /** browse: seconds the page must stay open, by the server's clock (default 15). */
  minSeconds?: number;
  /** share: paid actions per business date (default 3); each new visitor is one action. */
  dailyCap?: number;
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
    { code: 'share_app', title: '分享给好友', period: 'daily', kind: 'share', points: 20, growth: 1, dailyCap: 3 },
    {
      code: 'browse_benefits',
      title: '逛逛积分商城',
      period: 'daily',
      kind: 'browse',
      points: 5,
      growth: 0,
      minSeconds: 15,
    },
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
    if (!TASK_KINDS.includes(t.kind)) return `task ${t.code}: unknown kind`;
    if (t.minSeconds !== undefined && (!Number.isInteger(t.minSeconds) || t.minSeconds < 1 || t.minSeconds > 600))
      return `task ${t.code}: minSeconds 1-600`;
    if (t.dailyCap !== undefined && (!Number.isInteger(t.dailyCap) || t.dailyCap < 1 || t.dailyCap > 100))
      return `task ${t.code}: dailyCap 1-100`;
    // A share is paid per visitor within the day, so it is a daily task.
    if (t.kind === 'share' && t.period !== 'daily') return `task ${t.code}: a share task is daily`;
    if (!Number.isInteger(t.points) || t.points < 0 || t.points > 100_000) return `task ${t.code}: points 0-100000`;
    if (!Number.isInteger(t.growth) || t.growth < 0 || t.growth > 100_000) return `task ${t.code}: growth 0-100000`;
    if (t.points === 0 && t.growth === 0) return `task ${t.code}: rewards nothing`;
  }
  return null;
}
