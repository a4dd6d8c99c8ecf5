import Taro, { useDidShow } from '@tarojs/taro';
import { isApiError } from '../api/errors';
import { staffSession } from '../api/session';
import { toastError } from '../utils/feedback';
import { ROUTES } from '../utils/routes';

const toLogin = (next: string) =>
  void Taro.redirectTo({ url: `${ROUTES.staffLogin}?next=${encodeURIComponent(next)}` });

/** Staff pages need a staff token; without one (or when it expires) they go to the staff login. */
export function useStaffGuard(self: string): void {
  useDidShow(() => {
    if (!staffSession()) toLogin(self);
  });
}

/** Shows the error; a refused or missing staff token sends the clerk back to the login page. */
export function handleStaffError(e: unknown, self: string): void {
  if (isApiError(e) && (e.code === 'STAFF_LOGIN_REQUIRED' || e.status === 401)) {
    toLogin(self);
    return;
  }
  toastError(e);
}
