import type { RefreshResponse, StaffLoginRequest, StaffLoginResponse } from '@huiyuan/shared';
import { api } from './client';
import { clearStaffSession, memberSession, saveMemberSession, saveStaffSession } from './session';

const DAY_MS = 24 * 3600_000;

/**
 * Rotates the member token when it has less than a day left, so an open app
 * never meets a 401 mid-checkout. Device clocks may be off; a wrong guess costs
 * one refresh or one 401 + re-login, both harmless.
 */
export async function refreshMemberTokenIfOld(now = Date.now()): Promise<void> {
  const s = memberSession();
  if (!s || Date.parse(s.expiresAt) - now > DAY_MS) return;
  const r = await api.post<RefreshResponse>('/api/auth/refresh', undefined, { idempotent: false });
  saveMemberSession(r);
}

export async function staffLogin(body: StaffLoginRequest): Promise<StaffLoginResponse> {
  const r = await api.post<StaffLoginResponse>('/api/staff/login', body, {
    auth: 'none',
    idempotent: false,
    retries: 0,
  });
  saveStaffSession(r);
  return r;
}

export const staffLogout = () => clearStaffSession();
