import { api } from './client';

/**
 * Daily check-in. The day is the server's business date, never the phone's:
 * the status carries `today`, which also names the operation so a retried
 * check-in reuses its Idempotency-Key.
 * Types are local until shared/src/api has a check-in schema.
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

export const getCheckinStatus = () => api.get<CheckinStatus>('/api/me/checkin');

export const checkIn = (today: string) =>
  api.post<CheckinResult>('/api/me/checkins', {}, { operation: `checkin:${today}` });

/** Make up a missed day (MAKEUP_NOT_ALLOWED when the rules refuse it). */
export const makeUp = (date: string) =>
  api.post<CheckinResult>('/api/me/checkins', { date }, { operation: `checkin-makeup:${date}` });
