import Taro from '@tarojs/taro';
import type { LoginRequest, LoginResponse } from '@huiyuan/shared';
import { ApiError } from './errors';
import { autoOperation, keyFor, settle } from './idempotency';
import {
  clearMemberSession,
  clearPendingRef,
  clearStaffSession,
  loginCode,
  memberSession,
  pendingRef,
  saveMemberSession,
  staffSession,
} from './session';

/**
 * The only caller of Taro.request. Adds the base URL and the right bearer
 * token, gives every mutating call an Idempotency-Key that is stored before the
 * first byte is sent and reused by every retry, logs the member in again once
 * when a token is refused, and turns every failure into an ApiError whose
 * message can be shown as is.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Auth = 'member' | 'staff' | 'none';
export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: Method;
  query?: Query;
  body?: unknown;
  /** Which token to send; default 'member'. */
  auth?: Auth;
  /**
   * Names the user's intent (e.g. `checkin:2024-11-24`) so a retry after a
   * crash or a lost answer reuses the same Idempotency-Key. Without it a
   * mutating call is named after its method, path and body.
   */
  operation?: string;
  /** false: send no Idempotency-Key (login, pure reads done with POST). */
  idempotent?: boolean;
  /** Automatic resends after a network failure; default 1, only when safe (GET or keyed). */
  retries?: number;
  timeoutMs?: number;
}

const base = (): string => (typeof API_BASE === 'string' ? API_BASE : '').replace(/\/+$/, '');

export function buildUrl(path: string, query?: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return base() + path + (parts.length ? `?${parts.join('&')}` : '');
}

interface Raw {
  status: number;
  data: unknown;
}

/** One HTTP exchange. Rejects only with ApiError; a non-2xx answer resolves. */
async function send(
  method: Method,
  url: string,
  body: unknown,
  header: Record<string, string>,
  timeoutMs: number,
): Promise<Raw> {
  try {
    const res = await Taro.request({
      url,
      method,
      data: body === undefined ? undefined : (body as Record<string, unknown>),
      header: body === undefined ? header : { 'content-type': 'application/json', ...header },
      timeout: timeoutMs,
      dataType: 'json',
    });
    let data: unknown = res.data;
    if (typeof data === 'string' && data) {
      try {
        data = JSON.parse(data);
      } catch {
        /* keep the text; handled below */
      }
    }
    return { status: res.statusCode, data };
  } catch (err) {
    const msg = String((err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message ?? '');
    throw new ApiError({ code: /timeout/i.test(msg) ? 'TIMEOUT' : 'NETWORK_ERROR', status: 0, serverMessage: msg });
  }
}

function toError(raw: Raw): ApiError {
  const b = (raw.data ?? {}) as { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown };
  if (typeof b.code === 'string') {
    return new ApiError({
      code: b.code,
      status: raw.status,
      serverMessage: typeof b.message === 'string' ? b.message : undefined,
      details: b.details,
      requestId: typeof b.requestId === 'string' ? b.requestId : undefined,
    });
  }
  // A proxy or gateway answered, not our server.
  return new ApiError({ code: raw.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE', status: raw.status });
}

let loginInFlight: Promise<LoginResponse> | null = null;

/**
 * Member login: wx.login code (or the H5 dev code) -> POST /api/auth/login.
 * Single flight, so ten calls that all meet a 401 cause one login. Carries
 * the launch `ref` so the first login registers the member with their referrer.
 */
export function loginMember(): Promise<LoginResponse> {
  if (!loginInFlight) {
    loginInFlight = (async () => {
      let code: string;
      try {
        code = await loginCode();
      } catch (err) {
        throw new ApiError({ code: 'LOGIN_FAILED', status: 0, serverMessage: String((err as Error)?.message ?? err) });
      }
      const ref = pendingRef();
      const body: LoginRequest = ref ? { code, ref } : { code };
      const raw = await send('POST', buildUrl('/api/auth/login'), body, {}, 15_000);
      if (raw.status < 200 || raw.status >= 300) throw toError(raw);
      const res = raw.data as LoginResponse;
      saveMemberSession(res);
      if (ref) clearPendingRef();
      return res;
    })().finally(() => {
      loginInFlight = null;
    });
  }
  return loginInFlight;
}

async function bearer(auth: Auth): Promise<Record<string, string>> {
  if (auth === 'none') return {};
  if (auth === 'staff') {
    const s = staffSession();
    if (!s) throw new ApiError({ code: 'STAFF_LOGIN_REQUIRED', status: 401 });
    return { authorization: `Bearer ${s.token}` };
  }
  const s = memberSession() ?? (await loginMember());
  return { authorization: `Bearer ${s.token}` };
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const auth = opts.auth ?? 'member';
  const keyed = method !== 'GET' && auth !== 'none' && opts.idempotent !== false;
  const operation = keyed ? (opts.operation ?? autoOperation(method, path, opts.body)) : null;
  // Stored before sending: if the app dies mid-call, the next try finds it.
  const idempotencyKey = operation ? keyFor(operation) : null;
  const url = buildUrl(path, opts.query);
  const safeToResend = method === 'GET' || keyed;
  let resendsLeft = safeToResend ? (opts.retries ?? 1) : 0;
  let reloggedIn = false;

  for (;;) {
    let raw: Raw;
    try {
      const header = await bearer(auth);
      if (idempotencyKey) header['idempotency-key'] = idempotencyKey;
      raw = await send(method, url, opts.body, header, opts.timeoutMs ?? 15_000);
    } catch (err) {
      if (err instanceof ApiError && err.status === 0 && err.code !== 'LOGIN_FAILED' && resendsLeft > 0) {
        resendsLeft--;
        continue;
      }
      // Unknown outcome (or a login that failed before sending): keep the key.
      throw err;
    }

    if (raw.status >= 200 && raw.status < 300) {
      if (operation) settle(operation);
      return raw.data as T;
    }

    if (raw.status === 401 && auth === 'member' && !reloggedIn) {
      // The token expired or the secret rotated: log in again once, same key.
      reloggedIn = true;
      clearMemberSession();
      await loginMember();
      continue;
    }
    if (raw.status === 401 && auth === 'staff') clearStaffSession();

    const error = toError(raw);
    // A definitive answer ends the operation; 5xx/429 may be retried with the same key.
    if (operation && !error.outcomeUnknown) settle(operation);
    throw error;
  }
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'method' | 'query'>) =>
    request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'POST', body }),
  patch: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'PATCH', body }),
};
