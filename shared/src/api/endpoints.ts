import { z } from 'zod';
import { endpoint, type BodyOf, type ResponseOf } from './endpoint';
import { LoginRequest, LoginResponse, RefreshResponse, StaffLoginRequest, StaffLoginResponse } from './auth';
import { Consent, ConsentRequest, MeResponse, PatchMeRequest, PhoneBound, PhoneCodeRequest } from './me';
import { AdjustPointsRequest, LedgerResult, PointsEntriesPage, PointsSummary } from './points';
import { PageQuery } from './common';
import { HealthResponse, LiveResponse, ReadyResponse } from './health';
import { tierEndpoints } from './tiers';
import { checkoutEndpoints } from './checkout';
import { adminEndpoints } from './admin';
import { insightEndpoints } from './insights';
import { checkinEndpoints } from './checkin';
import { benefitEndpoints } from './benefits';
import { referralEndpoints } from './referrals';
import { notificationEndpoints } from './notifications';
import { taskEndpoints } from './tasks';
import { phoneLookupEndpoints } from './phone-lookup';
import { privacyEndpoints } from './privacy';
import { giftEndpoints } from './gifts';
import { paymentEndpoints } from './payments';
import { membershipEndpoints } from './membership';
import { brandEndpoints } from './brand';
import { adminConsoleEndpoints } from './admin-console';

export * from './endpoint';

export const endpoints = {
  livez: endpoint({
    method: 'get',
    path: '/livez',
    tag: 'ops',
    auth: 'none',
    summary: 'Liveness: the process answers (never touches the database, so a database blip restarts nothing)',
    response: LiveResponse,
  }),
  healthz: endpoint({
    method: 'get',
    path: '/healthz',
    tag: 'ops',
    auth: 'none',
    summary: 'The database responds (kept for existing monitors; probes use /livez and /readyz)',
    response: HealthResponse,
    errors: ['SERVICE_UNAVAILABLE'],
  }),
  readyz: endpoint({
    method: 'get',
    path: '/readyz',
    tag: 'ops',
    auth: 'none',
    summary: 'Readiness: started, not draining for shutdown, and the database responds',
    response: ReadyResponse,
    errors: ['SERVICE_UNAVAILABLE'],
  }),

  login: endpoint({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    auth: 'none',
    summary: 'Exchange a wx.login code for a member token; registers the member on first login',
    body: LoginRequest,
    response: LoginResponse,
    errors: ['VALIDATION_FAILED', 'WECHAT_CODE_INVALID', 'WECHAT_RATE_LIMITED', 'WECHAT_UNAVAILABLE', 'RATE_LIMITED'],
  }),
  refresh: endpoint({
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'auth',
    auth: 'member',
    summary: 'Rotate the member token: returns a fresh token; the old one stays valid until it expires',
    response: RefreshResponse,
    errors: ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'],
  }),
  staffLogin: endpoint({
    method: 'post',
    path: '/api/staff/login',
    tag: 'staff',
    auth: 'none',
    summary: "Staff or operator login with username and password; the token is scoped to the staff member's store",
    body: StaffLoginRequest,
    response: StaffLoginResponse,
    errors: ['VALIDATION_FAILED', 'BAD_CREDENTIALS', 'RATE_LIMITED'],
  }),

  getMe: endpoint({
    method: 'get',
    path: '/api/me',
    tag: 'member',
    auth: 'member',
    summary: "The member's own profile",
    response: MeResponse,
    errors: ['UNAUTHENTICATED'],
  }),
  patchMe: endpoint({
    method: 'patch',
    path: '/api/me',
    tag: 'member',
    auth: 'member',
    summary:
      'Update nickname, birthday (once), typed phone (stored encrypted, unverified; only when the operator allows typing) or privacy consent. Personal fields need the current consent, which may come in the same request (recorded first). Unknown fields are refused.',
    body: PatchMeRequest,
    response: MeResponse,
    errors: [
      'VALIDATION_FAILED',
      'BIRTHDAY_ALREADY_SET',
      'CONSENT_REQUIRED',
      'POLICY_OUTDATED',
      'PHONE_TYPING_DISABLED',
    ],
  }),
  acceptPrivacyPolicy: endpoint({
    method: 'post',
    path: '/api/me/consent',
    tag: 'member',
    auth: 'member',
    summary: 'Accept the current privacy policy version; accepting it again keeps the first time',
    body: ConsentRequest,
    response: Consent,
    errors: ['VALIDATION_FAILED', 'POLICY_OUTDATED'],
  }),
  bindPhone: endpoint({
    method: 'post',
    path: '/api/me/phone',
    tag: 'member',
    auth: 'member',
    summary:
      'Bind the phone number from a getPhoneNumber code: the server asks WeChat for the number and stores it encrypted and verified',
    body: PhoneCodeRequest,
    response: PhoneBound,
    errors: ['VALIDATION_FAILED', 'CONSENT_REQUIRED', 'PHONE_CODE_INVALID', 'WECHAT_UNAVAILABLE'],
  }),

  getPoints: endpoint({
    method: 'get',
    path: '/api/me/points',
    tag: 'points',
    auth: 'member',
    summary: 'Balance and the points expiring in the next 30 days, per lot',
    response: PointsSummary,
  }),
  getPointsEntries: endpoint({
    method: 'get',
    path: '/api/me/points/entries',
    tag: 'points',
    auth: 'member',
    summary: 'Points history, newest first, cursor paginated',
    query: PageQuery,
    response: PointsEntriesPage,
    errors: ['VALIDATION_FAILED'],
  }),

  adminAdjustPoints: endpoint({
    method: 'post',
    path: '/api/admin/points/adjustments',
    tag: 'admin',
    auth: 'operator',
    summary: 'Manual points adjustment (credit or debit) with a reason; idempotent on idempotencyKey; audited',
    body: AdjustPointsRequest,
    response: LedgerResult,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'MEMBER_NOT_FOUND', 'INSUFFICIENT_POINTS', 'IDEMPOTENCY_CONFLICT'],
  }),

  ...tierEndpoints,
  ...checkoutEndpoints,
  ...adminEndpoints,
  ...insightEndpoints,
  ...checkinEndpoints,
  ...benefitEndpoints,
  ...referralEndpoints,
  ...notificationEndpoints,
  ...taskEndpoints,
  ...phoneLookupEndpoints,
  ...privacyEndpoints,
  ...giftEndpoints,
  ...paymentEndpoints,
  ...membershipEndpoints,
  ...brandEndpoints,
  ...adminConsoleEndpoints,

  openapi: endpoint({
    method: 'get',
    path: '/api/openapi.json',
    tag: 'ops',
    auth: 'none',
    summary: 'This document',
    response: z.record(z.string(), z.unknown()),
  }),
};

export type Endpoints = typeof endpoints;

/** One endpoint's types by name, for the clients (mini-program, console): `ResponseFor<'getCheckin'>`. */
export type ResponseFor<K extends keyof Endpoints> = ResponseOf<Endpoints[K]>;
export type BodyFor<K extends keyof Endpoints> = BodyOf<Endpoints[K]>;
