/**
 * The Idempotency-Key format, defined once: the header of endpoints marked
 * `idempotencyKey: true`, the optional check-in header, keys carried in request
 * bodies, and the keys the mini-program makes. No zod here, so the mini-program
 * can import it at run time without bundling zod.
 */

export const IDEMPOTENCY_KEY_MIN = 8;
export const IDEMPOTENCY_KEY_MAX = 64;
/** The characters a key may use (also safe inside ledger keys, which join parts with ':'). */
export const IDEMPOTENCY_KEY_CHARS = /^[A-Za-z0-9_.:-]+$/;
/** The whole rule as one pattern (OpenAPI `pattern`). */
export const IDEMPOTENCY_KEY_PATTERN = `^[A-Za-z0-9_.:-]{${IDEMPOTENCY_KEY_MIN},${IDEMPOTENCY_KEY_MAX}}$`;
/** The rule in words, for error messages. */
export const IDEMPOTENCY_KEY_RULE = `${IDEMPOTENCY_KEY_MIN}-${IDEMPOTENCY_KEY_MAX} of A-Z a-z 0-9 _ . : -`;

const whole = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** Whether `value` is a well-formed Idempotency-Key. */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && whole.test(value);
}
