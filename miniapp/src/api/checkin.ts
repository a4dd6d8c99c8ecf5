import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/**
 * Daily check-in. The day is the server's business date, never the phone's:
 * the status carries `today`, which also names the operation so a retried
 * check-in reuses its Idempotency-Key.
 */
type CheckinStatus = ResponseFor<'getCheckin'>;
export type CheckinDay = CheckinStatus['days'][number];
export type CheckinResult = ResponseFor<'checkin'>;
export type MakeupResult = ResponseFor<'makeup'>;

/** This month's calendar, the streak, today's reward and what a make-up day costs. */
export const getCheckinStatus = () => api.get<CheckinStatus>('/api/me/checkin');

/** The business date names the operation: a retried tap reuses its key, and the server counts the day once anyway. */
export const checkIn = (today: string) =>
  api.post<CheckinResult>('/api/me/checkin', undefined, { operation: `checkin:${today}` });

/**
 * Make up a missed day, paid with points or a make-up card (MAKEUP_NOT_ALLOWED
 * when the rules refuse it). The day names the operation, so a retried tap is
 * answered with the first result (`replayed`) and never pays twice.
 */
export const makeUp = (date: string, payWith: BodyFor<'makeup'>['payWith']) =>
  api.post<MakeupResult>('/api/me/checkin/makeup', { date, payWith } satisfies BodyFor<'makeup'>, {
    operation: `checkin-makeup:${date}`,
  });
