/**
 * Stand-in for @tarojs/taro in jest (mapped in jest.config.js). Storage is a
 * real in-memory map so code under test behaves as on a device; network and
 * device APIs are jest.fn()s that tests program. Page hooks register their
 * callbacks so tests can fire them (`fire('reachBottom')`).
 */
import { useEffect, useRef } from 'react';

const store = new Map<string, unknown>();
const handlers = new Map<string, Set<(...args: unknown[]) => unknown>>();
let routerParams: Record<string, string> = {};

function usePageEvent(name: string, cb: (...args: unknown[]) => unknown) {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => {
    const fn = (...args: unknown[]) => ref.current(...args);
    if (!handlers.has(name)) handlers.set(name, new Set());
    handlers.get(name)!.add(fn);
    return () => {
      handlers.get(name)!.delete(fn);
    };
  }, [name]);
}

export const fire = async (name: string, ...args: unknown[]) => {
  for (const fn of handlers.get(name) ?? []) await fn(...args);
};
/** Calls the first handler registered for a page event and returns what it returned (share payloads). */
export const callHandler = (name: string, ...args: unknown[]): unknown => [...(handlers.get(name) ?? [])][0]?.(...args);
export const setRouterParams = (p: Record<string, string>) => {
  routerParams = p;
};

export const useLaunch = (cb: (o: unknown) => void) => usePageEvent('launch', cb);
export const useLoad = (cb: (o: unknown) => void) => usePageEvent('load', cb);
export const useDidShow = (cb: () => void) => {
  usePageEvent('show', cb);
  // A page is shown when it mounts.
  useEffect(() => {
    cb();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
};
export const useDidHide = (cb: () => void) => usePageEvent('hide', cb);
export const useUnload = (cb: () => void) => usePageEvent('unload', cb);
export const useReachBottom = (cb: () => void) => usePageEvent('reachBottom', cb);
export const usePullDownRefresh = (cb: () => void) => usePageEvent('pullDownRefresh', cb);
export const useShareAppMessage = (cb: () => unknown) => usePageEvent('share', cb);
export const useShareTimeline = (cb: () => unknown) => usePageEvent('shareTimeline', cb);
export const useRouter = () => ({ params: routerParams, path: '' });

const ok = (extra: Record<string, unknown> = {}) => Promise.resolve({ errMsg: 'ok', ...extra });

const Taro = {
  request: jest.fn(),
  login: jest.fn(() => Promise.resolve({ code: 'wx-code', errMsg: 'login:ok' })),
  getStorageSync: jest.fn((k: string) => (store.has(k) ? store.get(k) : '')),
  setStorageSync: jest.fn((k: string, v: unknown) => void store.set(k, v)),
  removeStorageSync: jest.fn((k: string) => void store.delete(k)),
  showToast: jest.fn(() => ok()),
  showModal: jest.fn(() => ok({ confirm: true, cancel: false })),
  showLoading: jest.fn(() => ok()),
  hideLoading: jest.fn(() => ok()),
  navigateTo: jest.fn(() => ok()),
  redirectTo: jest.fn(() => ok()),
  switchTab: jest.fn(() => ok()),
  navigateBack: jest.fn(() => ok()),
  stopPullDownRefresh: jest.fn(() => ok()),
  scanCode: jest.fn(),
  setScreenBrightness: jest.fn(() => ok()),
  getScreenBrightness: jest.fn(() => ok({ value: 0.4 })),
  setKeepScreenOn: jest.fn(() => ok()),
  requestSubscribeMessage: jest.fn(),
  setClipboardData: jest.fn(() => ok()),
  getSetting: jest.fn(() => ok({ authSetting: {} })),
  authorize: jest.fn(() => ok()),
  openSetting: jest.fn(),
  saveImageToPhotosAlbum: jest.fn(() => ok()),
  showShareMenu: jest.fn(() => ok()),
  getCurrentInstance: jest.fn(() => ({ router: { params: routerParams } })),
  useLaunch,
  useLoad,
  useDidShow,
  useDidHide,
  useUnload,
  useReachBottom,
  usePullDownRefresh,
  useShareAppMessage,
  useShareTimeline,
  useRouter,
};

/** Clears storage, handlers and every mock's calls/implementations set by a test. */
export function resetTaroMock(): void {
  store.clear();
  handlers.clear();
  routerParams = {};
  Taro.request.mockReset();
  Taro.scanCode.mockReset();
  Taro.requestSubscribeMessage.mockReset();
  Taro.login.mockReset().mockImplementation(() => Promise.resolve({ code: 'wx-code', errMsg: 'login:ok' }));
  for (const v of Object.values(Taro)) if (jest.isMockFunction(v)) v.mockClear();
}

export const getCurrentInstance = Taro.getCurrentInstance;
export default Taro;
