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
    today: v.today, checkedInToday: v.checkedInToday, streak: v.streak, todayPoints: v.todayReward.total,
    days: v.days.map((d) => ({ date: d.date, checkedIn: d.checked, makeup: d.kind === 'makeup', points: d.points })),
    makeupLeft: v.makeup.remainingInCycle,
  };
};

interface ServerCheckin { date: string; streak: number; points: number; base: number; bonus: number; balance: number; replayed: boolean }

/** The business date names the operation: a retried tap reuses its key, and the server counts the day once anyway. */
export const checkIn = async (today: string): Promise<CheckinResult> => {
  const r = await api.post<ServerCheckin>('/api/me/checkin', undefined, { operation: `checkin:${today}` });
  return { date: r.date, points: r.points, streak: r.streak, balance: r.balance, bonus: r.bonus > 0 ? { label: '连续签到奖励', points: r.bonus } : null, replayed: r.replayed };
};

/** Make up a missed day, paid with points (MAKEUP_NOT_ALLOWED when the rules refuse it). */
export const makeUp = async (date: string): Promise<CheckinResult> => {
  const r = await api.post<{ date: string; points: number; streak: number; balance: number }>('/api/me/checkin/makeup', { date, payWith: 'points' }, { operation: `checkin-makeup:${date}` });
  return { date: r.date, points: r.points, streak: r.streak, balance: r.balance, bonus: null, replayed: false };
};
