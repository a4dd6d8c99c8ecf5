/**
 * Every rate limit, throttle and lockout of the product, in one list: what it
 * counts, how many per window, and what the subject is. A rule only names a
 * budget; `Limits` (service.ts) counts and refuses.
 */
export interface Rule {
  /** Stored in rate_windows.scope (at most 32 characters). */
  scope: string;
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

/** A rule applied to one subject (and, for per-pair limits, one source). */
export interface Counter {
  rule: Rule;
  subject: string;
  source?: string;
}

const MIN = 60_000;

/** Addresses and identities are cut to the column widths (an IPv6 address fits). */
const at = (rule: Rule, subject: string | number, source = ''): Counter => ({
  rule,
  subject: String(subject).slice(0, 100),
  source: source.slice(0, 64),
});

const r = (scope: string, limit: number, windowMs: number): Rule => ({ scope, limit, windowMs });

// Failure budgets are fixed; per-address and scan budgets come from config.
const STAFF_FAILURES_PER_ADDRESS = r('staff_fail_addr', 10, 15 * MIN);
// The backstop across all addresses is slower (an hour) and larger than one address's budget,
// so failures from one address never lock the account for everyone else.
const STAFF_FAILURES_ANYWHERE = r('staff_fail', 50, 60 * MIN);
const CODE_FAILURES_PER_STORE = r('code_fail_store', 30, MIN);
const CODE_FAILURES_PER_STORE_MEMBER = r('code_fail', 10, 5 * MIN);

/** The scopes an operator's unlock clears for a username. */
export const STAFF_LOCKOUT_SCOPES = [STAFF_FAILURES_PER_ADDRESS.scope, STAFF_FAILURES_ANYWHERE.scope] as const;

export const limits = {
  /** Member logins per client address, before WeChat is asked (generous: a mall's Wi-Fi is one address). */
  memberLoginsPerAddress: (perMinute: number, address: string) => at(r('member_login_addr', perMinute, MIN), address),
  /** Member logins per WeChat identity, once jscode2session has named it. */
  memberLoginsPerOpenid: (openid: string) => at(r('member_login_id', 20, MIN), openid),
  /** Staff login attempts per client address (any username). */
  staffLoginsPerAddress: (perMinute: number, address: string) => at(r('staff_login_addr', perMinute, MIN), address),
  /** Wrong passwords for a username from one address: the lockout an address can cause. */
  staffFailuresPerAddress: (username: string, address: string) => at(STAFF_FAILURES_PER_ADDRESS, username, address),
  /** Wrong passwords for a username from anywhere: the slow backstop against many addresses. */
  staffFailuresAnywhere: (username: string) => at(STAFF_FAILURES_ANYWHERE, username),
  /** Member-code scans per store (every scan, right or wrong). */
  codeScansPerStore: (perMinute: number, storeId: number) => at(r('code_scan', perMinute, MIN), storeId),
  /** Wrong member codes per store (any member): stops one till enumerating codes. */
  codeFailuresPerStore: (storeId: number) => at(CODE_FAILURES_PER_STORE, storeId),
  /** Wrong codes for one member at one store: failures elsewhere never lock the member out here. */
  codeFailuresPerStoreMember: (storeId: number, memberId: string) =>
    at(CODE_FAILURES_PER_STORE_MEMBER, `${storeId}:${memberId}`),
  /** Unknown voucher codes looked up per store: codes cannot be enumerated. */
  voucherMissesPerStore: (storeId: number) => at(r('voucher_miss', 30, MIN), storeId),
  /** Phone lookups a staff member makes per hour at the counter. */
  phoneLookupsPerStaff: (perHour: number, staffId: number) => at(r('phone_lookup_staff', perHour, 60 * MIN), staffId),
  /** Phone lookups reaching one number per hour (by its keyed hash: members and strangers alike). */
  phoneLookupsPerPhone: (perHour: number, phoneHash: string) =>
    at(r('phone_lookup_phone', perHour, 60 * MIN), phoneHash),
  /** Redemption attempts per member: a flash sale gets a few a second, not thousands. */
  redemptionsPerMember: (memberId: number) => at(r('redeem', 20, 10_000), memberId),
  /** A member's "I paid" checks: each asks WeChat Pay about the order. */
  paySyncsPerMember: (memberId: number) => at(r('pay_sync', 20, MIN), memberId),
};
