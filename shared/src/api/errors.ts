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
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here' },
  MEMBER_NOT_FOUND: { status: 404, message: 'Member not found' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: 'This idempotency key was already used with different input' },
  INSUFFICIENT_POINTS: { status: 409, message: 'Not enough points' },
  BIRTHDAY_ALREADY_SET: { status: 409, message: 'The birthday can only be set once' },
  USERNAME_TAKEN: { status: 409, message: 'This username is taken' },
  STORE_CODE_TAKEN: { status: 409, message: 'A store with this code exists' },
  // Member code and checkout
  MEMBER_CODE_INVALID: {
    status: 400,
    message: 'The member code is wrong or has expired; ask the member to refresh it',
  },
  MEMBER_CODE_REPLAYED: {
    status: 409,
    message: 'This member code was already used; ask the member to show the new one',
  },
  STORE_REQUIRED: { status: 403, message: 'This account is not assigned to a store' },
  SELF_CREDIT_FORBIDDEN: { status: 403, message: 'Staff cannot credit their own member account' },
  DAILY_CAP_REACHED: { status: 409, message: 'The daily credit limit has been reached' },
  ORDER_NOT_FOUND: { status: 404, message: 'No such order in this store' },
  REFUND_EXCEEDS_ORDER: { status: 409, message: 'The refund is larger than what is left of the order' },
  // Check-in, tasks, benefits, vouchers, referrals
  ALREADY_CHECKED_IN: { status: 409, message: 'Already checked in for this day' },
  MAKEUP_NOT_ALLOWED: { status: 409, message: 'This day cannot be made up' },
  TASK_NOT_FOUND: { status: 404, message: 'No such task' },
  TASK_NOT_DONE: { status: 409, message: 'This task is not done yet' },
  TASK_ALREADY_DONE: { status: 409, message: 'This task is already done for this period' },
  TASK_DAILY_CAP: { status: 409, message: 'This task cannot be reported again today' },
  BENEFIT_NOT_FOUND: { status: 404, message: 'No such benefit' },
  BENEFIT_NOT_AVAILABLE: { status: 409, message: 'This benefit is not available now' },
  OUT_OF_STOCK: { status: 409, message: 'Out of stock' },
  LIMIT_REACHED: { status: 409, message: 'You have reached the limit for this benefit' },
  TIER_TOO_LOW: { status: 403, message: 'Your tier cannot redeem this benefit yet' },
  VOUCHER_NOT_FOUND: { status: 404, message: 'No such voucher' },
  VOUCHER_USED: { status: 409, message: 'This voucher was already used' },
  VOUCHER_EXPIRED: { status: 409, message: 'This voucher has expired' },
  VOUCHER_CANCELLED: { status: 409, message: 'This voucher was cancelled' },
  REFERRAL_INVALID: { status: 400, message: 'This invite code cannot be used' },
  JOB_NOT_FOUND: { status: 404, message: 'No such job' },
  CONFIG_INVALID: { status: 400, message: 'The configuration is not valid' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (application/json)' },
  WECHAT_CODE_INVALID: { status: 400, message: 'The WeChat login code is invalid or used' },
  RATE_LIMITED: { status: 429, message: 'Too many requests, try again later' },
  WECHAT_RATE_LIMITED: { status: 429, message: 'WeChat is rate limiting logins, try again later' },
  WECHAT_UNAVAILABLE: { status: 503, message: 'WeChat is not reachable right now, try again' },
  WECHAT_QUOTA_EXCEEDED: { status: 429, message: "WeChat's quota for this call is used up, try again later" },
  WECHAT_REJECTED: { status: 502, message: 'WeChat refused the request; the operator must check the configuration' },
  // Privacy consent and phone
  POLICY_OUTDATED: { status: 409, message: 'This is not the current privacy policy version; read the new one' },
  CONSENT_REQUIRED: { status: 403, message: 'Accept the current privacy policy before giving personal data' },
  PHONE_CODE_INVALID: { status: 400, message: 'The phone number code is invalid, expired or used; try again' },
  PHONE_TYPING_DISABLED: { status: 403, message: 'Bind the phone number through WeChat instead of typing it' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is not ready' },
  OVERLOADED: { status: 503, message: 'The server is busy, try again shortly' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];
