import type { CheckinView } from '@huiyuan/shared';
import { api } from './client';

/**
 * Daily check-in. The day is the server's business date, never the phone's:
 * the status carries `today`, which also names the operation so a retried
 * check-in reuses its Idempotency-Key.
 * The page works with this view; the server's CheckinView is mapped here.
 */
export interface CheckinDay {
  date: string; // YYYY-MM-DD, business timezone
  checkedIn: boolean;
  makeup: boolean;
  points: number;
  /** The server's rules allow making this day up (missed, in the current cycle, not today or later). */
  canMakeUp: boolean;
}

export interface CheckinStatus {
  today: string;
  checkedInToday: boolean;
  streak: number;
  /** Reward for checking in today (depends on the streak). */
  todayPoints: number;
  /** Days of the current month, for the calendar. */
  days: CheckinDay[];
  makeupLeft: number;
  /** Points one make-up day costs, and the make-up cards (补签卡) the member holds. */
  makeupCost: number;
  makeupCards: number;
  /** The next streak bonus: in how many check-ins, and how much. */
  nextBonus: { inDays: number; bonus: number } | null;
}

export interface CheckinResult {
  date: string;
  points: number;
  streak: number;
  balance: number;
  bonus: { label: string; points: number } | null;
  replayed: boolean;
}

export const getCheckinStatus = async (): Promise<CheckinStatus> => {
  const v = await api.get<CheckinView>('/api/me/checkin');
  return {
    today: v.today,
    checkedInToday: v.checkedInToday,
    streak: v.streak,
    todayPoints: v.todayReward.total,
    days: v.days.map((d) => ({
      date: d.date,
      checkedIn: d.checked,
      makeup: d.kind === 'makeup',
      points: d.points,
      canMakeUp: d.canMakeUp,
    })),
    makeupLeft: v.makeup.remainingInCycle,
    makeupCost: v.makeup.costPoints,
    makeupCards: v.makeup.cards,
    nextBonus: v.nextBonus && { inDays: v.nextBonus.inDays, bonus: v.nextBonus.bonus },
  };
};

interface ServerCheckin {
  date: string;
  streak: number;
  points: number;
  base: number;
  bonus: number;
  balance: number;
  replayed: boolean;
}

/** The business date names the operation: a retried tap reuses its key, and the server counts the day once anyway. */
export const checkIn = async (today: string): Promise<CheckinResult> => {
  const r = await api.post<ServerCheckin>('/api/me/checkin', undefined, { operation: `checkin:${today}` });
  return {
    date: r.date,
    points: r.points,
    streak: r.streak,
    balance: r.balance,
    bonus: r.bonus > 0 ? { label: '连续签到奖励', points: r.bonus } : null,
    replayed: r.replayed,
  };
};

interface ServerMakeup {
  date: string;
  points: number;
  paidPoints: number;
  paidCards: number;
  streak: number;
  balance: number;
  replayed: boolean;
}

/**
 * Make up a missed day, paid with points or a make-up card (MAKEUP_NOT_ALLOWED
 * when the rules refuse it). The day names the operation, so a retried tap is
 * answered with the first result (`replayed`) and never pays twice.
 */
export const makeUp = async (date: string, payWith: 'points' | 'card'): Promise<CheckinResult> => {
  const r = await api.post<ServerMakeup>(
    '/api/me/checkin/makeup',
    { date, payWith },
    { operation: `checkin-makeup:${date}` },
  );
  return { date: r.date, points: r.points, streak: r.streak, balance: r.balance, bonus: null, replayed: r.replayed };
};
