/**
 * The device side of `wx` for the simulator: the calls the mini-program makes
 * that miniprogram-simulate only stubs (its wx.request answers `{}` after 100 ms,
 * its storage forgets everything, wx.login returns a fixed code). Each shim does
 * what WeChat does, against real things:
 * - wx.request goes over HTTP to the test server (the build's API origin is
 *   swapped for the server's; path, query, headers and body are sent as given);
 * - wx.login hands out a fresh one-time code for one WeChat identity, in the
 *   form the fake WeChat API maps to one openid;
 * - storage is a per-run in-memory store, screen brightness and keep-on are state
 *   the check can read back;
 * - privacy, subscribe-message, toast/modal and navigation calls succeed the way
 *   a member who accepts would make them, and are recorded.
 */

const later = (fn) => setTimeout(fn, 0);

/** The phone's brightness before the mini-program touches it. */
export const DEVICE_BRIGHTNESS = 0.4;

/** Calls success/fail/complete like WeChat, and returns the result for callers that await it. */
function answer(options, res) {
  later(() => {
    if (/:ok/.test(res.errMsg)) options?.success?.(res);
    else options?.fail?.(res);
    options?.complete?.(res);
  });
  return res;
}

const ok = (name, extra = {}) => ({ errMsg: `${name}:ok`, ...extra });

function toQuery(data) {
  if (!data || typeof data !== 'object') return '';
  const parts = Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.join('&');
}

/**
 * @param {{ serverUrl: string, identity: string }} opts
 * @returns {{ api: Record<string, Function>, state: object }}
 */
export function createWx({ serverUrl, identity }) {
  const state = {
    requests: [],
    logins: 0,
    storage: new Map(),
    brightness: DEVICE_BRIGHTNESS,
    keepScreenOn: false,
    toasts: [],
    modals: [],
    navigations: [],
    subscribeRequests: [],
    privacyListeners: 0,
  };
  const server = new URL(serverUrl);

  /** WeChat's request: url, method, data, header, timeout, dataType; answers statusCode/data/header. */
  function request(options = {}) {
    const controller = new AbortController();
    const method = String(options.method ?? 'GET').toUpperCase();
    const target = new URL(options.url, server);
    // The build carries the production or DevTools API origin: this run's server stands in for it.
    target.protocol = server.protocol;
    target.host = server.host;
    const header = { ...(options.header ?? {}) };
    let body;
    if (method === 'GET' || method === 'HEAD') {
      const q = toQuery(options.data);
      if (q) target.search += (target.search ? '&' : '?') + q;
    } else if (options.data !== undefined) {
      const type = Object.entries(header).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = type;
      body =
        typeof options.data === 'string'
          ? options.data
          : /json/.test(type)
            ? JSON.stringify(options.data)
            : toQuery(options.data);
    }
    const idempotencyKey = Object.entries(header).find(([k]) => k.toLowerCase() === 'idempotency-key')?.[1];
    const entry = { method, path: target.pathname + target.search, idempotencyKey, status: 0 };
    state.requests.push(entry);
    const timer = setTimeout(() => controller.abort(new Error('timeout')), options.timeout ?? 60_000);
    fetch(target, { method, headers: header, body, signal: controller.signal })
      .then(async (res) => {
        const text = await res.text();
        let data = text;
        if ((options.dataType ?? 'json') === 'json') {
          try {
            data = JSON.parse(text);
          } catch {
            /* WeChat leaves unparsable text as a string */
          }
        }
        entry.status = res.status;
        answer(options, ok('request', { statusCode: res.status, data, header: Object.fromEntries(res.headers) }));
      })
      .catch((err) => {
        const why = controller.signal.aborted ? String(controller.signal.reason?.message ?? 'abort') : err.message;
        entry.error = why;
        answer(options, { errMsg: `request:fail ${why}` });
      })
      .finally(() => clearTimeout(timer));
    const noop = () => undefined;
    return {
      abort: () => controller.abort(new Error('abort')),
      onHeadersReceived: noop,
      offHeadersReceived: noop,
      onChunkReceived: noop,
      offChunkReceived: noop,
    };
  }

  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  const storage = {
    setStorageSync: (key, value) => void state.storage.set(String(key), clone(value)),
    // WeChat answers '' for a missing key.
    getStorageSync: (key) => (state.storage.has(String(key)) ? clone(state.storage.get(String(key))) : ''),
    removeStorageSync: (key) => void state.storage.delete(String(key)),
    clearStorageSync: () => state.storage.clear(),
    getStorageInfoSync: () => ({ keys: [...state.storage.keys()], currentSize: 0, limitSize: 10240 }),
    setStorage: (o) => (storage.setStorageSync(o.key, o.data), answer(o, ok('setStorage'))),
    getStorage: (o) =>
      state.storage.has(String(o.key))
        ? answer(o, ok('getStorage', { data: storage.getStorageSync(o.key) }))
        : answer(o, { errMsg: 'getStorage:fail data not found' }),
    removeStorage: (o) => (storage.removeStorageSync(o.key), answer(o, ok('removeStorage'))),
    clearStorage: (o) => (state.storage.clear(), answer(o, ok('clearStorage'))),
    getStorageInfo: (o) => answer(o, ok('getStorageInfo', storage.getStorageInfoSync())),
  };

  const record =
    (list, name, pick) =>
    (o = {}) => (list.push(pick(o)), answer(o, ok(name)));

  const api = {
    request,
    ...storage,
    // One WeChat user; every code is new, as wx.login's are (the fake refuses a reused code).
    login: (o) => answer(o, ok('login', { code: `${identity}:${++state.logins}` })),
    checkSession: (o) => answer(o, ok('checkSession')),
    getScreenBrightness: (o) => answer(o, ok('getScreenBrightness', { value: state.brightness })),
    setScreenBrightness: (o = {}) => ((state.brightness = o.value), answer(o, ok('setScreenBrightness'))),
    setKeepScreenOn: (o = {}) => ((state.keepScreenOn = !!o.keepScreenOn), answer(o, ok('setKeepScreenOn'))),
    // Privacy (base library 2.32.3+): this member has agreed already, so nothing needs to be asked.
    getPrivacySetting: (o) =>
      answer(o, ok('getPrivacySetting', { needAuthorization: false, privacyContractName: '《隐私保护指引》' })),
    onNeedPrivacyAuthorization: () => void state.privacyListeners++,
    offNeedPrivacyAuthorization: () => undefined,
    requirePrivacyAuthorize: (o) => answer(o, ok('requirePrivacyAuthorize')),
    openPrivacyContract: (o) => answer(o, ok('openPrivacyContract')),
    requestSubscribeMessage: (o = {}) => {
      const ids = Array.isArray(o.tmplIds) ? o.tmplIds : [];
      state.subscribeRequests.push(ids);
      // WeChat refuses more than 3 template ids in one call.
      if (ids.length === 0 || ids.length > 3)
        return answer(o, { errMsg: 'requestSubscribeMessage:fail invalid tmplIds', errCode: 20003 });
      return answer(o, ok('requestSubscribeMessage', Object.fromEntries(ids.map((id) => [id, 'accept']))));
    },
    showToast: record(state.toasts, 'showToast', (o) => String(o.title ?? '')),
    showModal: (o = {}) => {
      state.modals.push(`${o.title ?? ''} ${o.content ?? ''}`.trim());
      return answer(o, ok('showModal', { confirm: true, cancel: false }));
    },
    navigateTo: record(state.navigations, 'navigateTo', (o) => String(o.url ?? '')),
    redirectTo: record(state.navigations, 'redirectTo', (o) => String(o.url ?? '')),
    switchTab: record(state.navigations, 'switchTab', (o) => String(o.url ?? '')),
    reLaunch: record(state.navigations, 'reLaunch', (o) => String(o.url ?? '')),
  };
  return { api, state };
}
