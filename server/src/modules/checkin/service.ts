import {
  addDaysToIsoDate, businessDate, canMakeUp, currentStreak, cycleStart, nextBonus, rewardFor, streakAt,
  type CheckinRules, type CheckinView,
} from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../http/errors';
import type { Clock } from '../../clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import type { TierService } from '../tiers/service';
import { addWithinCap } from '../checkout/caps';

/** Splits a stored day's points back into base and streak bonus for display. */
function split(rules: CheckinRules, streak: number, total: number) {
  const bonus = Math.min(total, rewardFor(rules, streak).bonus);
  return { base: total - bonus, bonus, total };
}

const MAKEUP_REASONS: Record<string, string> = {
  not_a_date: 'Not a calendar date', today_or_future: 'Only a past day can be made up', already_checked: 'This day is already checked in',
  outside_cycle: 'Only days of the current cycle can be made up', limit_reached: 'No make-ups left in this cycle',
};

/**
 * Daily check-in. The (member, business date) primary key is the guarantee of one
 * check-in per day: twenty taps at once insert one row, the others lose the key
 * race and return the first result. Points go through the ledger with the key
 * `checkin:<member>:<date>`; the business date comes from the server clock only.
 */
export class CheckinService {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly settings: Settings, private readonly ledger: Ledger, private readonly tiers: TierService, private readonly tz: string) {}

  async checkin(memberId: number) {
    const now = this.clock.now();
    const today = businessDate(now, this.tz);
    const rules = await this.settings.get('checkin.rules');
    return this.db.tx(async (q) => {
      const prior = await this.replay(q, memberId, today);
      if (prior) return prior;
      const checked = await this.checkedDays(q, memberId, addDaysToIsoDate(today, -400), today);
      checked.add(today);
      const streak = streakAt(checked, today, rules.cycle);
      // The tier is read only when the rules use its multiplier: one round trip less per check-in.
      const multiplier = rules.tierMultiplier ? (await this.tiers.tierOfIn(q, memberId)).multiplierPercent : 100;
      const reward = rewardFor(rules, streak, multiplier);
      await this.insert(q, memberId, today, 'normal', streak, reward.total, now);
      const credit = await this.ledger.creditIn(q, { key: `checkin:${memberId}:${today}`, memberId, points: reward.total, type: 'credit', reason: 'checkin', ref: `checkin:${today}` });
      return { date: today, streak, points: reward.total, base: reward.base, bonus: reward.bonus, balance: credit.balanceAfter, replayed: false };
    });
  }

  async makeup(memberId: number, date: string, payWith: 'points' | 'card') {
    const now = this.clock.now();
    const today = businessDate(now, this.tz);
    const rules = await this.settings.get('checkin.rules');
    return this.db.tx(async (q) => {
      const checked = await this.checkedDays(q, memberId, addDaysToIsoDate(today, -400), today);
      const refusal = canMakeUp(rules, today, date, checked, 0);
      if (refusal === 'already_checked') throw new AppError('ALREADY_CHECKED_IN', MAKEUP_REASONS[refusal], { date });
      if (refusal) throw new AppError('MAKEUP_NOT_ALLOWED', MAKEUP_REASONS[refusal], { reason: refusal, date });
      if (rules.makeupMaxPerCycle === 0) throw new AppError('MAKEUP_NOT_ALLOWED', MAKEUP_REASONS.limit_reached, { reason: 'limit_reached', date });
      // The allowance per cycle is a counter with a ceiling, not a count of rows.
      const cycleKey = cycleStart(today, rules.cycle) ?? addDaysToIsoDate(today, -7);
      try {
        await addWithinCap(q, 'checkin_makeup', memberId, cycleKey, 1, rules.makeupMaxPerCycle, {});
      } catch (err) {
        if ((err as AppError).code === 'DAILY_CAP_REACHED') throw new AppError('MAKEUP_NOT_ALLOWED', MAKEUP_REASONS.limit_reached, { reason: 'limit_reached', date });
        throw err;
      }
      let paidPoints = 0;
      let paidCards = 0;
      if (payWith === 'card') {
        const used = await q.exec('UPDATE makeup_cards SET cards = cards - 1, updated_at = ? WHERE member_id = ? AND cards >= 1', [now.getTime(), memberId]);
        if (used !== 1) throw new AppError('MAKEUP_NOT_ALLOWED', 'No make-up card left', { reason: 'no_card', date });
        paidCards = 1;
      } else if (rules.makeupCostPoints > 0) {
        await this.ledger.debitIn(q, { key: `makeup-pay:${memberId}:${date}`, memberId, points: rules.makeupCostPoints, type: 'debit', reason: 'checkin_makeup', ref: `checkin:${date}` });
        paidPoints = rules.makeupCostPoints;
      }
      checked.add(date);
      const streak = streakAt(checked, date, rules.cycle);
      const reward = rewardFor(rules, 1); // a made-up day earns the base reward, never a streak bonus
      await this.insert(q, memberId, date, 'makeup', streak, reward.base, now);
      const credit = await this.ledger.creditIn(q, { key: `checkin:${memberId}:${date}`, memberId, points: reward.base, type: 'credit', reason: 'checkin_makeup', ref: `checkin:${date}` });
      return { date, points: reward.base, paidPoints, paidCards, balance: credit.balanceAfter, streak: currentStreak(checked, today, rules.cycle) };
    });
  }

  async view(memberId: number, month?: string): Promise<CheckinView> {
    const now = this.clock.now();
    const today = businessDate(now, this.tz);
    const rules: CheckinRules = await this.settings.get('checkin.rules');
    const m = month ?? today.slice(0, 7);
    const first = `${m}-01`;
    const last = addDaysToIsoDate(addDaysToIsoDate(first, 31).slice(0, 8) + '01', -1);
    return this.db.read(async (q) => {
      const rows = await q.all<{ business_date: string; kind: 'normal' | 'makeup'; points: number }>(
        'SELECT business_date, kind, points FROM checkins WHERE member_id = ? AND business_date >= ? AND business_date <= ?', [memberId, addDaysToIsoDate(first < today ? first : today, -40), last > today ? last : today]);
      const byDate = new Map(rows.map((r) => [r.business_date, r]));
      const checked = new Set(byDate.keys());
      const done = checked.has(today);
      const streak = currentStreak(checked, today, rules.cycle);
      const tier = await this.tiers.tierOfIn(q, memberId);
      const cycleKey = cycleStart(today, rules.cycle) ?? addDaysToIsoDate(today, -7);
      const used = Number((await q.one<{ amount: number }>("SELECT amount FROM daily_counters WHERE scope = 'checkin_makeup' AND subject_id = ? AND business_date = ?", [memberId, cycleKey]))?.amount ?? 0);
      const cards = Number((await q.one<{ cards: number }>('SELECT cards FROM makeup_cards WHERE member_id = ?', [memberId]))?.cards ?? 0);
      const days = [];
      for (let d = first; d <= last; d = addDaysToIsoDate(d, 1)) {
        const row = byDate.get(d);
        days.push({ date: d, checked: !!row, kind: row?.kind ?? null, points: Number(row?.points ?? 0), canMakeUp: canMakeUp(rules, today, d, checked, used) === null });
      }
      return {
        today, checkedInToday: done, streak, cycle: rules.cycle,
        todayReward: done ? split(rules, streak, Number(byDate.get(today)!.points)) : rewardFor(rules, streak + 1, tier.multiplierPercent),
        nextBonus: nextBonus(rules, streak), month: m, days,
        makeup: { costPoints: rules.makeupCostPoints, remainingInCycle: Math.max(0, rules.makeupMaxPerCycle - used), cards },
      };
    });
  }

  private async replay(q: Q, memberId: number, date: string) {
    const row = await q.one<{ streak: number; points: number }>("SELECT streak, points FROM checkins WHERE member_id = ? AND business_date = ? AND kind = 'normal'", [memberId, date]);
    if (!row) return null;
    const rules = await this.settings.get('checkin.rules');
    const balance = Number((await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]))!.balance);
    const r = split(rules, Number(row.streak), Number(row.points));
    return { date, streak: Number(row.streak), points: r.total, base: r.base, bonus: r.bonus, balance, replayed: true };
  }

  private async checkedDays(q: Q, memberId: number, from: string, to: string): Promise<Set<string>> {
    const rows = await q.all<{ business_date: string }>('SELECT business_date FROM checkins WHERE member_id = ? AND business_date >= ? AND business_date <= ?', [memberId, from, to]);
    return new Set(rows.map((r) => r.business_date));
  }

  private async insert(q: Q, memberId: number, date: string, kind: 'normal' | 'makeup', streak: number, points: number, now: Date): Promise<void> {
    try {
      await q.exec('INSERT INTO checkins (member_id, business_date, kind, streak, points, created_at) VALUES (?, ?, ?, ?, ?, ?)', [memberId, date, kind, streak, points, now.getTime()]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (kind === 'makeup') throw new AppError('ALREADY_CHECKED_IN', MAKEUP_REASONS.already_checked, { date });
      throw new RetryTransaction(`check-in ${memberId} ${date} taken`); // the retry answers with the first result
    }
  }
}
