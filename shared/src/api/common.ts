import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { IDEMPOTENCY_KEY_CHARS, IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MIN } from './idempotency';
import { TIER_CODE_PATTERN } from '../domain/tiers';

/** Largest points amount one operation may move: fits a signed 32-bit column with room for sums in BIGINT. */
export const MAX_POINTS = 2_147_483_647;

export const Points = z.int().min(1).max(MAX_POINTS).describe('A positive whole number of points');
export const SignedPoints = z.int().min(-MAX_POINTS).max(MAX_POINTS);
export const IsoDateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 instant');
export const IsoDate = z.iso.date().describe('Calendar date YYYY-MM-DD in the business timezone');
export const Id = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/)
  .describe('Numeric id as a string');
/** Path parameters of a route that names one row by id. */
export const IdParams = z.strictObject({ id: Id });
export const TierCode = z.string().regex(TIER_CODE_PATTERN);

/** An Idempotency-Key carried in a request body: the same rule as the header (api/idempotency.ts). */
export const IdempotencyKey = z.string().min(IDEMPOTENCY_KEY_MIN).max(IDEMPOTENCY_KEY_MAX).regex(IDEMPOTENCY_KEY_CHARS);

export const ErrorBody = z.object({
  code: z.enum(ERROR_CODES as [string, ...string[]]),
  message: z.string(),
  details: z.unknown().optional(),
  requestId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Opaque keyset cursor pagination: pass `nextCursor` back as `cursor` until it is null. */
export const PageQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const Ok = z.object({ ok: z.literal(true) });
