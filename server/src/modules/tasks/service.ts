import { businessDate, periodKey, type TaskDef } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import { addWithinCap, counterValue } from '../caps/service';
import { hasAnyAllowance } from '../notifications/store';
import { hasKeptOrder } from '../checkout/store';
import { completedIn, completionOf, insertCompletion } from './store';
import { contactOf } from '../members/store';

/**
 * Tasks. One completion per (member, task, period) by primary key; the reward is
 * a ledger credit (and growth) keyed the same way. Tasks the server can check
 * are checked against the data; client-reported ones share a daily cap.
 */
export class TaskService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
    private readonly tz: string,
  ) {}

  async list(memberId: number) {
    const date = businessDate(this.clock.now(), this.tz);
    const catalog = await this.settings.get('tasks.catalog');
    return this.db.read(async (q) => {
      const has = await completedIn(q, memberId, ['once', periodKey('daily', date), periodKey('weekly', date)]);
      const used = await counterValue(q, 'client_tasks', memberId, date);
      return {
        tasks: catalog.tasks.map((t) => {
          const period = periodKey(t.period, date);
          const done = has.has(`${t.code}/${period}`);
          const capped =
            !done && t.kind === 'client' && catalog.clientReportsPerDay > 0 && used >= catalog.clientReportsPerDay;
          return {
            ...t,
            periodKey: period,
            done,
            state: done ? ('done' as const) : capped ? ('capped' as const) : ('todo' as const),
          };
        }),
        clientReportsLeftToday: Math.max(0, catalog.clientReportsPerDay - used),
      };
    });
  }

  async complete(memberId: number, code: string) {
    const now = this.clock.now();
    const date = businessDate(now, this.tz);
    const catalog = await this.settings.get('tasks.catalog');
    const task = catalog.tasks.find((t) => t.code === code);
    if (!task) throw new AppError('TASK_NOT_FOUND');
    const period = periodKey(task.period, date);
    return this.db.tx(async (q) => {
      const prior = await completionOf(q, memberId, code, period);
      if (prior)
        return {
          code,
          period,
          points: prior.points,
          growth: prior.growth,
          balance: await this.balance(q, memberId),
          replayed: true,
        };
      await this.verify(q, memberId, task);
      // The completion row first: a concurrent repeat loses on the (member, task, period)
      // key and replays, instead of being counted against the daily cap and refused.
      try {
        await insertCompletion(q, { memberId, code, period, points: task.points, growth: task.growth }, now);
      } catch (err) {
        if (isDuplicateKey(err)) throw new RetryTransaction(`task ${code} ${period} taken`);
        throw err;
      }
      if (task.kind === 'client') {
        // The client's word is all there is for these: a ceiling per member and day limits what a scripted client can farm.
        try {
          await addWithinCap(q, 'client_tasks', memberId, date, 1, catalog.clientReportsPerDay, {});
        } catch (err) {
          if ((err as AppError).code === 'DAILY_CAP_REACHED')
            throw new AppError('TASK_DAILY_CAP', undefined, { cap: catalog.clientReportsPerDay });
          throw err;
        }
      }
      const key = `task:${memberId}:${code}:${period}`;
      let balance = await this.balance(q, memberId);
      if (task.points > 0)
        balance = (
          await this.ledger.creditIn(q, {
            key,
            memberId,
            points: task.points,
            type: 'credit',
            reason: 'task',
            ref: `task:${code}`,
          })
        ).balanceAfter;
      if (task.growth > 0)
        await this.tiers.addGrowthIn(
          q,
          {
            key,
            memberId,
            delta: task.growth,
            source: `action:${code}`,
            label: `任务：${task.title}`,
            ref: `task:${code}`,
          },
          now,
        );
      return { code, period, points: task.points, growth: task.growth, balance, replayed: false };
    });
  }

  /** Server-checked tasks are done only when the data says so. */
  private async verify(q: Q, memberId: number, task: TaskDef): Promise<void> {
    const refuse = (why: string) => {
      throw new AppError('TASK_NOT_DONE', why);
    };
    if (task.kind === 'profile') {
      const m = await contactOf(q, memberId);
      if (!m?.nickname || !m.birthday || !m.phone_enc) refuse('Set a nickname, birthday and phone first');
    }
    if (task.kind === 'first_purchase' && !(await hasKeptOrder(q, memberId))) refuse('No purchase yet');
    // A row alone is not a subscription: any answer to the prompt (a refusal too) writes one.
    if (task.kind === 'subscribe' && !(await hasAnyAllowance(q, memberId))) refuse('Not subscribed yet');
  }

  private async balance(q: Q, memberId: number): Promise<number> {
    return (await balanceOf(q, memberId)) ?? 0;
  }
}
