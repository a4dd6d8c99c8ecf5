import Taro from '@tarojs/taro';
import type { LoginResponse, StaffLoginResponse } from '@huiyuan/shared';
import { KEYS, readJson, remove, writeJson } from './storage';

/**
 * Who the device is logged in as. Members and staff have separate tokens: a
 * store clerk is usually also a member on the same phone, and a staff token
 * must never be sent to /api/me nor a member token to /api/staff.
 */

export type MemberSession = Pick<LoginResponse, 'token' | 'expiresAt' | 'memberId'>;

export type StaffSession = Pick<
  StaffLoginResponse,
  'token' | 'expiresAt' | 'staffId' | 'role' | 'storeId' | 'displayName'
>;

export const memberSession = (): MemberSession | null => readJson<MemberSession>(KEYS.memberToken);

export function saveMemberSession(r: LoginResponse | MemberSession): void {
  writeJson(KEYS.memberToken, { token: r.token, expiresAt: r.expiresAt, memberId: r.memberId } satisfies MemberSession);
}

export const clearMemberSession = () => remove(KEYS.memberToken);

export const staffSession = (): StaffSession | null => readJson<StaffSession>(KEYS.staffSession);

export function saveStaffSession(r: StaffSession): void {
  writeJson(KEYS.staffSession, {
    token: r.token,
    expiresAt: r.expiresAt,
    staffId: r.staffId,
    role: r.role,
    storeId: r.storeId,
    displayName: r.displayName,
  });
}

export const clearStaffSession = () => remove(KEYS.staffSession);

/** Referral code from the launch query: kept until a login has carried it to the server. */
export function rememberRef(ref: unknown): void {
  if (typeof ref !== 'string') return;
  const clean = ref.trim();
  // Same bound as LoginRequest.ref; anything else is not ours to forward.
  if (clean && clean.length <= 32 && /^[A-Za-z0-9_-]+$/.test(clean)) writeJson(KEYS.pendingRef, clean);
}

export const pendingRef = (): string | null => readJson<string>(KEYS.pendingRef);
export const clearPendingRef = () => remove(KEYS.pendingRef);

const isH5 = () => process.env.TARO_ENV === 'h5';

/**
 * A code for POST /api/auth/login. In WeChat it is wx.login's one-time code.
 * A browser has no wx.login, so the H5 build keeps a random dev identity and
 * sends `<identity>:<time>`: the fake WeChat server (scripts/fake-wechat) maps
 * a code to an openid by the text before its last ':', so the same browser is
 * always the same member while each code is still used only once.
 */
export async function loginCode(): Promise<string> {
  if (isH5()) {
    let identity = readJson<string>(KEYS.devIdentity);
    if (!identity) {
      identity = `h5-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;
      writeJson(KEYS.devIdentity, identity);
    }
    return `${identity}:${Date.now()}`;
  }
  const res = await Taro.login();
  if (!res.code) throw new Error(res.errMsg || 'login returned no code');
  return res.code;
}
