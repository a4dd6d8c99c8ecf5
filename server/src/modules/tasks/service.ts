import {
  businessDate,
  DEFAULT_BROWSE_SECONDS,
  DEFAULT_SHARE_DAILY_CAP,
  periodKey,
  type TaskCatalog,
  type TaskDef,
} from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import { addWithinCap, counterValue, tryCountWithinCap } from '../caps/service';
import { hasAnyAllowance } from '../notifications/store';
import { hasKeptOrder } from '../checkout/store';
import { completedIn, completionOf, insertCompletion } from './store';
import { contactOf } from '../members/store';
import { inviterOf } from '../referrals/store';
import { StartTokens } from './start-token';

const minSecondsOf = (t: TaskDef) => t.minSeconds ?? DEFAULT_BROWSE_SECONDS;
const shareCapOf = (t: TaskDef) => t.dailyCap ?? DEFAULT_SHARE_DAILY_CAP;
/** A share's completion is per visitor; a visitor registers once, so the key needs no date. */
const sharePeriod = (visitorId: number) => `v${visitorId}`;

/**
 * Tasks. One completion per (member, task, period) by primary key; the reward is
 * a ledger credit (and growth) keyed the same way. Tasks the server can check
 * are checked against the data; browse tasks by a signed start token and the
 * server's clock; share tasks are credited when a new member registers through
 * the sharer's link; client-reported ones share a daily cap.
 */
export class TaskService {
  private readonly starts: StartTokens;
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
    private readonly tz: string,
    serverSecret: string,
  ) {
    this.starts = new StartTokens(serverSecret);
  }

  async list(memberId: number) {
    const date = businessDate(this.clock.now(), this.tz);
    const catalog = await this.settings.get('tasks.catalog');
    return this.db.read(async (q) => {
      const has = await completedIn(q, memberId, ['once', periodKey('daily', date), periodKey('weekly', date)]);
      const used = await counterValue(q, 'client_tasks', memberId, date);
      const shared = await counterValue(q, 'task_share', memberId, date);
      return {
        tasks: catalog.tasks.map((t) => {
          const period = periodKey(t.period, date);
          if (t.kind === 'share') {
            const full = shared >= shareCapOf(t);
            return {
              ...t,
              dailyCap: shareCapOf(t),
              doneToday: shared,
              periodKey: period,
              done: full,
              state: full ? ('capped' as const) : ('todo' as const),
            };
          }
          const done = has.has(`${t.code}/${period}`);
          const capped =
            !done && t.kind === 'client' && catalog.clientReportsPerDay > 0 && used >= catalog.clientReportsPerDay;
          return {
            ...t,
            ...(t.kind === 'browse' ? { minSeconds: minSecondsOf(t) } : {}),
            periodKey: period,
            done,
            state: done ? ('done' as const) : capped ? ('capped' as const) : ('todo' as const),
          };
        }),
        clientReportsLeftToday: Math.max(0, catalog.clientReportsPerDay - used),
      };
    });
  }

  /** A browse task's start: signed over the member, task, server time and business date. */
  async start(memberId: number, code: string) {
    const now = this.clock.now();
    const task = (await this.settings.get('tasks.catalog')).tasks.find((t) => t.code === code);
    if (!task || task.kind !== 'browse') throw new AppError('TASK_NOT_FOUND', 'No browse task with this code');
    const token = this.starts.sign({ memberId, code, startMs: now.getTime(), date: businessDate(now, this.tz) });
    return { token, minSeconds: minSecondsOf(task), startedAt: now.toISOString() };
  }

  async complete(memberId: number, code: string, token?: string) {
    const now = this.clock.now();
    const date = businessDate(now, this.tz);
    const catalog = await this.settings.get('tasks.catalog');
    const task = catalog.tasks.find((t) => t.code === code);
    if (!task) throw new AppError('TASK_NOT_FOUND');
    // A tap on share proves nothing: only a friend arriving through it pays (creditShareIn).
    if (task.kind === 'share') throw new AppError('TASK_NOT_DONE', 'Paid when a new friend joins through your share');
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
      if (task.kind === 'browse') this.checkStart(task, memberId, token, now, date);
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
      const balance = await this.reward(q, memberId, task, period, now);
      return { code, period, points: task.points, growth: task.growth, balance, replayed: false };
    });
  }

  /**
   * Registration hook (after referrals bound the invitee): a new member who came
   * through a share credits the sharer's share tasks, once per visitor, within the
   * daily cap. Existing members' visits pay nothing: a login is not proof of a new
   * visit, and two friends could otherwise trade a visit every day.
   */
  async creditShareIn(q: Q, visitorId: number, now: Date): Promise<void> {
    const sharerId = await inviterOf(q, visitorId);
    if (!sharerId || sharerId === visitorId) return;
    const catalog: TaskCatalog = await this.settings.get('tasks.catalog');
    const date = businessDate(now, this.tz);
    for (const task of catalog.tasks.filter((t) => t.kind === 'share')) {
      const period = sharePeriod(visitorId);
      if (await completionOf(q, sharerId, task.code, period)) continue;
      // Past the cap the visitor still joins; the sharer is simply not paid for this one.
      if (!(await tryCountWithinCap(q, 'task_share', sharerId, date, shareCapOf(task)))) continue;
      await insertCompletion(
        q,
        { memberId: sharerId, code: task.code, period, points: task.points, growth: task.growth },
        now,
      );
      await this.reward(q, sharerId, task, period, now);
    }
  }

  /** The browse start token: genuine, this member's, this task's, today's, and old enough on the server's clock. */
  private checkStart(task: TaskDef, memberId: number, token: string | undefined, now: Date, date: string): void {
    if (!token) throw new AppError('TASK_NOT_DONE', 'Start the task first');
    const claim = this.starts.verify(token);
    if (!claim || claim.memberId !== memberId || claim.code !== task.code)
      throw new AppError('TASK_NOT_DONE', 'This start token is not valid');
    if (claim.date !== date || claim.startMs > now.getTime())
      throw new AppError('TASK_NOT_DONE', 'Start the task again');
    const leftMs = claim.startMs + minSecondsOf(task) * 1000 - now.getTime();
    if (leftMs > 0) throw new AppError('TASK_TOO_EARLY', undefined, { secondsLeft: Math.ceil(leftMs / 1000) });
  }

  /** The ledger credit and growth of one completion, keyed like it; returns the balance. */
  private async reward(q: Q, memberId: number, task: TaskDef, period: string, now: Date): Promise<number> {
    const key = `task:${memberId}:${task.code}:${period}`;
    let balance = await this.balance(q, memberId);
    if (task.points > 0)
      balance = (
        await this.ledger.creditIn(q, {
          key,
          memberId,
          points: task.points,
          type: 'credit',
          reason: 'task',
          ref: `task:${task.code}`,
        })
      ).balanceAfter;
    if (task.growth > 0)
      await this.tiers.addGrowthIn(
        q,
        {
          key,
          memberId,
          delta: task.growth,
          source: `action:${task.code}`,
          label: `任务：${task.title}`,
          ref: `task:${task.code}`,
        },
        now,
      );
    return balance;
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
