import Taro from '@tarojs/taro';

/**
 * Every key the app keeps in device storage, in one place so nothing collides
 * and tests can clear them. Taro storage is synchronous and per mini-program.
 */
export const KEYS = {
  memberToken: 'hy.member.token',
  staffSession: 'hy.staff.session',
  pendingRef: 'hy.ref.pending',
  devIdentity: 'hy.dev.identity',
  referralCode: 'hy.referral.code',
  opPrefix: 'hy.op.',
  brand: 'hy.brand',
} as const;

export function readJson<T>(key: string): T | null {
  try {
    const raw = Taro.getStorageSync(key);
    if (raw === '' || raw === undefined || raw === null) return null;
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
  } catch {
    // A corrupt entry must not brick the app: treat it as absent.
    return null;
  }
}

export function writeJson(key: string, value: unknown): void {
  Taro.setStorageSync(key, JSON.stringify(value));
}

export function remove(key: string): void {
  Taro.removeStorageSync(key);
}
