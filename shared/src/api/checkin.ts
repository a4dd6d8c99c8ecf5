import { z } from 'zod';
import { endpoint } from './endpoint';
import { Id, IdempotencyKey, IsoDate } from './common';

/** Daily check-in: one per business day, streak bonuses, make-up days. */
export const CheckinQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .describe('YYYY-MM; default the current business month'),
});
export const CheckinDay = z.object({
  date: IsoDate,
  checked: z.boolean(),
  kind: z.enum(['normal', 'makeup']).nullable(),
  points: z.int(),
  canMakeUp: z.boolean(),
});
export const CheckinView = z.object({
  today: IsoDate,
  checkedInToday: z.boolean(),
  streak: z.int().describe('Consecutive days up to today (or yesterday when today is not done yet)'),
  cycle: z.enum(['weekly', 'monthly', 'none']),
  todayReward: z
    .object({ base: z.int(), bonus: z.int(), total: z.int() })
    .describe('What checking in today gives (or gave)'),
  nextBonus: z.object({ day: z.int(), bonus: z.int(), inDays: z.int() }).nullable(),
  month: z.string(),
  days: z.array(CheckinDay),
  makeup: z.object({ costPoints: z.int(), remainingInCycle: z.int(), cards: z.int() }),
});
export type CheckinView = z.infer<typeof CheckinView>;

export const CheckinResult = z.object({
  date: IsoDate,
  streak: z.int(),
  points: z.int(),
  base: z.int(),
  bonus: z.int(),
  balance: z.int(),
  replayed: z
    .boolean()
    .describe('True when today was already checked in: the first result is returned, nothing is credited twice'),
});
export const MakeupRequest = z.strictObject({ date: IsoDate, payWith: z.enum(['points', 'card']).default('points') });
export const MakeupResult = z.object({
  date: IsoDate,
  points: z.int(),
  paidPoints: z.int(),
  paidCards: z.int(),
  balance: z.int(),
  streak: z.int(),
  replayed: z
    .boolean()
    .describe(
      'True when this day was already made up: the first result is returned, nothing is paid or credited twice',
    ),
});

/** Operators give make-up cards (compensation, campaigns); each grant is idempotent on its key and audited. */
export const GrantMakeupCardsRequest = z.strictObject({
  cards: z.int().min(1).max(31),
  reason: z.string().trim().min(2).max(200),
  idempotencyKey: IdempotencyKey,
});
export const GrantMakeupCardsResult = z.object({
  memberId: z.string(),
  granted: z.int(),
  cards: z.int().describe('Cards the member holds now'),
  replayed: z.boolean(),
});

export const checkinEndpoints = {
  getCheckin: endpoint({
    method: 'get',
    path: '/api/me/checkin',
    tag: 'checkin',
    auth: 'member',
    summary: "Month calendar, streak, today's state and the next bonus",
    query: CheckinQuery,
    response: CheckinView,
    errors: ['VALIDATION_FAILED'],
  }),
  checkin: endpoint({
    method: 'post',
    path: '/api/me/checkin',
    tag: 'checkin',
    auth: 'member',
    summary:
      'Check in for today (business date from the server clock). Repeats the same day return the first result. ' +
      'An optional Idempotency-Key header (8-64 of A-Z a-z 0-9 _ . : -) is remembered: a retry with it returns the day it first checked in, even after midnight.',
    response: CheckinResult,
    errors: ['VALIDATION_FAILED'],
  }),
  makeup: endpoint({
    method: 'post',
    path: '/api/me/checkin/makeup',
    tag: 'checkin',
    auth: 'member',
    summary:
      'Make up a missed day of the current cycle, paid with points or a make-up card; never today or a future day',
    body: MakeupRequest,
    response: MakeupResult,
    errors: ['VALIDATION_FAILED', 'MAKEUP_NOT_ALLOWED', 'ALREADY_CHECKED_IN', 'INSUFFICIENT_POINTS'],
  }),
  adminGrantMakeupCards: endpoint({
    method: 'post',
    path: '/api/admin/members/:id/makeup-cards',
    tag: 'admin',
    auth: 'operator',
    summary: 'Give a member make-up cards (补签卡) with a reason; idempotent on idempotencyKey; audited',
    params: z.strictObject({ id: Id }),
    body: GrantMakeupCardsRequest,
    response: GrantMakeupCardsResult,
    errors: ['VALIDATION_FAILED', 'MEMBER_NOT_FOUND', 'IDEMPOTENCY_CONFLICT'],
  }),
};
