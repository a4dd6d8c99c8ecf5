/**
 * Every error the API can return. The code is the contract: clients branch on it,
 * and the message is a default human text (Chinese UI text lives in the miniapp).
 * Adding a code is fine; renaming or re-purposing one breaks clients.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  MALFORMED_BODY: { status: 400, message: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, message: 'Login required' },
  TOKEN_INVALID: { status: 401, message: 'The token is not valid' },
  TOKEN_EXPIRED: { status: 401, message: 'The token has expired' },
  BAD_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  MEMBER_NOT_FOUND: { status: 404, message: 'Member not found' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: 'This idempotency key was already used with different input' },
  INSUFFICIENT_POINTS: { status: 409, message: 'Not enough points' },
  BIRTHDAY_ALREADY_SET: { status: 409, message: 'The birthday can only be set once' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (application/json)' },
  WECHAT_CODE_INVALID: { status: 400, message: 'The WeChat login code is invalid or used' },
  RATE_LIMITED: { status: 429, message: 'Too many requests, try again later' },
  WECHAT_RATE_LIMITED: { status: 429, message: 'WeChat is rate limiting logins, try again later' },
  WECHAT_UNAVAILABLE: { status: 503, message: 'WeChat is not reachable right now, try again' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is not ready' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];
