import Taro, { useDidShow } from '@tarojs/taro';
import { isApiError } from '../api/errors';
import { staffSession } from '../api/session';
import { toastError } from '../utils/feedback';
import { ROUTES } from '../utils/routes';

/** What the clerk reads when the server refuses the staff token (expired, revoked, or the account changed). */
export const SESSION_EXPIRED = '登录已过期，请重新登录';

const toLogin = (next: string, expired = false) =>
  void Taro.redirectTo({
    url: `${ROUTES.staffLogin}?next=${encodeURIComponent(next)}${expired ? '&expired=1' : ''}`,
  });

/** Staff pages need a staff token; without one (or when it expires) they go to the staff login. */
export function useStaffGuard(self: string): void {
  useDidShow(() => {
    if (!staffSession()) toLogin(self);
  });
}

/**
 * Shows the error. A 401 on a staff call (the client has already dropped the
 * token) says so plainly and goes back to the login page, which repeats it until
 * the clerk signs in again; no staff session at all just goes to the login.
 */
export function handleStaffError(e: unknown, self: string): void {
  if (isApiError(e) && e.code === 'STAFF_LOGIN_REQUIRED') {
    toLogin(self);
    return;
  }
  if (isApiError(e) && e.status === 401) {
    void Taro.showToast({ title: SESSION_EXPIRED, icon: 'none', duration: 2500 });
    toLogin(self, true);
    return;
  }
  toastError(e);
}
