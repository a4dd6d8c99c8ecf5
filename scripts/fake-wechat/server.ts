import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { wxaHandlers, type PhoneCodes } from './wxa';
import { fakePay, type FakePay } from './pay';

/**
 * A fake of the WeChat server APIs the product calls, as a real HTTP server, for
 * development and tests. jscode2session maps a login code to an openid by the
 * text before its last ':' (`alice:1` and `alice:2` are the same WeChat user), and
 * each code works once, like real wx.login codes. Codes starting with `invalid`,
 * `ratelimit` or `busy` answer 40029, 45011 and -1. `POST /__control/fail` makes
 * the next N calls to a path answer a given errcode (or hang, or drop).
 * Phone-number codes and mini-program codes: see wxa.ts (`POST /__control/phone-code`
 * issues a code over HTTP, `/__control/phone-code/expire` expires one).
 * WeChat Pay v3 under /v3/ (pay.ts); `POST /__control/pay/pay` pays an order
 * ({ out_trade_no, mode: normal | duplicate | delay | bad_signature | none | fail }),
 * `/__control/pay/refund-mode` ({ mode: async | sync | hold | close | abnormal }),
 * `/__control/pay/refund-finish` ({ out_refund_no, status }), `/__control/pay/notify-origin` ({ origin }).
 */
export interface FakeWechat {
  url: string;
  close(): Promise<void>;
  /** session_keys handed out, so tests can prove none of them leaks. */
  issuedSessionKeys: string[];
  calls: { path: string; at: number }[];
  failNext(path: string, errcode: number | 'drop' | 'slow', count?: number): void;
  /** Subscribe messages accepted, in order. */
  sent: {
    touser: string;
    template_id: string;
    page?: string;
    data: Record<string, { value: string }>;
    miniprogram_state?: string;
    lang?: string;
  }[];
  /** Access tokens handed out by stable_token. */
  issuedTokens: string[];
  /**
   * How many times each message was accepted, by recipient, template and data:
   * WeChat has no message id, so the same content to the same member twice is a
   * duplicate send. `duplicates()` is the number of sends beyond the first.
   */
  sendsPerMessage: Map<string, number>;
  duplicates(): number;
  /** Delay before answering each subscribe send (a slow WeChat); 0 by default. */
  sendDelayMs: number;
  /** Makes every access token handed out so far invalid (the next send answers 42001). */
  expireTokens(): void;
  /** getPhoneNumber codes: issue one for a number, or expire one. */
  phoneCodes: PhoneCodes;
  /** Calls received on one API path (forced failures included): what the server asked WeChat for. */
  callCount(path: string): number;
  /** The WeChat Pay sandbox. */
  pay: FakePay;
}

export function openidFor(identity: string): string {
  return `ofk${createHash('sha256').update(identity).digest('base64url').slice(0, 25)}`;
}

export async function startFakeWechat(
  opts: { port?: number; host?: string; appId?: string; secret?: string; sendDelayMs?: number } = {},
): Promise<FakeWechat> {
  const used = new Set<string>();
  const failures = new Map<string, { errcode: number | 'drop' | 'slow'; count: number }[]>();
  const state: Pick<FakeWechat, 'issuedSessionKeys' | 'calls' | 'sent' | 'issuedTokens'> = {
    issuedSessionKeys: [],
    calls: [],
    sent: [],
    issuedTokens: [],
  };
  const sendsPerMessage = new Map<string, number>();
  const wxa = wxaHandlers(opts.appId ?? 'wxfake0000000000');
  const pay = fakePay();
  const validTokens = new Set<string>();
  let currentToken: string | null = null;
  const readJson = (req: http.IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        try {
          resolve(JSON.parse(raw || '{}'));
        } catch {
          resolve({});
        }
      });
    });

  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const takeFailure = (path: string) => {
    const list = failures.get(path);
    const f = list?.[0];
    if (!f) return null;
    if (--f.count <= 0) list!.shift();
    return f.errcode;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    state.calls.push({ path: url.pathname, at: Date.now() });
    if (req.method === 'POST' && url.pathname === '/__control/fail') {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const { path, errcode, count } = JSON.parse(raw || '{}');
        api.failNext(path, errcode, count);
        json(res, { ok: true });
      });
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/__control/phone-code')) {
      void readJson(req).then((b) => {
        if (url.pathname.endsWith('/expire')) {
          wxa.phoneCodes.expire(String(b.code ?? ''));
          return json(res, { ok: true });
        }
        const openid = typeof b.openid === 'string' ? b.openid : undefined;
        json(res, { code: wxa.phoneCodes.issue(String(b.phone ?? '13800138000'), { openid }) });
      });
      return;
    }
    if (url.pathname === '/__control/stats')
      return json(res, {
        sent: state.sent.length,
        duplicates: api.duplicates(),
        issuedTokens: state.issuedTokens.length,
        calls: Object.fromEntries(
          [...new Set(state.calls.map((c) => c.path))]
            .filter((p) => !p.startsWith('/__control'))
            .map((p) => [p, api.callCount(p)]),
        ),
      });
    if (req.method === 'POST' && url.pathname.startsWith('/__control/pay/')) {
      void readJson(req).then(async (b) => {
        const what = url.pathname.slice('/__control/pay/'.length);
        try {
          if (what === 'pay') await pay.pay(String(b.out_trade_no), b.mode as never, b as never);
          else if (what === 'refund-mode') pay.refundMode = b.mode as never;
          else if (what === 'refund-finish') await pay.finishRefund(String(b.out_refund_no), b.status as never);
          else if (what === 'notify-origin') pay.notifyOrigin = typeof b.origin === 'string' ? b.origin : null;
          json(res, { ok: true });
        } catch (err) {
          json(res, { ok: false, error: (err as Error).message });
        }
      });
      return;
    }
    const forced = takeFailure(url.pathname);
    if (forced === 'drop') return void req.socket.destroy();
    if (url.pathname.startsWith('/v3/')) {
      if (typeof forced === 'number') {
        res.writeHead(forced, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: `forced ${forced}` }));
      }
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => void pay.handle(req, res, url, raw));
      return;
    }
    if (forced === 'slow')
      return void setTimeout(() => json(res, { errcode: -1, errmsg: 'system error' }), 30_000).unref();
    if (typeof forced === 'number') return json(res, { errcode: forced, errmsg: `forced ${forced}` });

    if (url.pathname === '/sns/jscode2session') {
      const code = url.searchParams.get('js_code') ?? '';
      if (opts.appId && url.searchParams.get('appid') !== opts.appId)
        return json(res, { errcode: 40013, errmsg: 'invalid appid' });
      if (opts.secret && url.searchParams.get('secret') !== opts.secret)
        return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      if (!code || code.startsWith('invalid')) return json(res, { errcode: 40029, errmsg: 'invalid code' });
      if (code.startsWith('ratelimit')) return json(res, { errcode: 45011, errmsg: 'api minute-quota reach limit' });
      if (code.startsWith('busy')) return json(res, { errcode: -1, errmsg: 'system error' });
      if (used.has(code)) return json(res, { errcode: 40163, errmsg: 'code been used' });
      used.add(code);
      const identity = code.includes(':') ? code.slice(0, code.lastIndexOf(':')) : code;
      const sessionKey = randomBytes(16).toString('base64');
      state.issuedSessionKeys.push(sessionKey);
      return json(res, {
        openid: openidFor(identity),
        unionid: `ufk${openidFor(identity).slice(3)}`,
        session_key: sessionKey,
      });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      void readJson(req).then((b) => {
        if (opts.appId && b.appid !== opts.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' });
        if (opts.secret && b.secret !== opts.secret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
        // Like the real stable_token: the same token until it expires or a forced refresh.
        if (!currentToken || b.force_refresh || !validTokens.has(currentToken)) {
          currentToken = `fat_${randomBytes(12).toString('hex')}`;
          validTokens.add(currentToken);
          state.issuedTokens.push(currentToken);
        }
        json(res, { access_token: currentToken, expires_in: 7200 });
      });
      return;
    }
    /** The answer WeChat gives a call whose access_token is missing, unknown or expired; null when it is good. */
    const tokenError = () => {
      const token = url.searchParams.get('access_token') ?? '';
      if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
      if (!validTokens.has(token))
        return {
          errcode: state.issuedTokens.includes(token) ? 42001 : 40001,
          errmsg: 'invalid or expired access_token',
        };
      return null;
    };
    if (
      req.method === 'POST' &&
      (url.pathname === '/wxa/business/getuserphonenumber' || url.pathname === '/wxa/getwxacodeunlimit')
    ) {
      void readJson(req).then((b) => {
        const refused = tokenError();
        if (refused) return json(res, refused);
        if (url.pathname === '/wxa/getwxacodeunlimit') return wxa.unlimitedCode(res, b, json);
        wxa.phoneNumber(res, b, json);
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/subscribe/send') {
      void readJson(req).then((b) => {
        const refused = tokenError();
        if (refused) return json(res, refused);
        if (typeof b.touser !== 'string' || !b.touser) return json(res, { errcode: 40003, errmsg: 'invalid openid' });
        if (typeof b.template_id !== 'string' || !b.template_id)
          return json(res, { errcode: 40037, errmsg: 'invalid template_id' });
        const data = b.data as Record<string, { value?: unknown }> | undefined;
        if (!data || Object.values(data).some((v) => typeof v?.value !== 'string'))
          return json(res, { errcode: 47003, errmsg: 'argument invalid! data.value' });
        state.sent.push(b as FakeWechat['sent'][number]);
        const key = `${b.touser}|${b.template_id}|${JSON.stringify(b.data)}`;
        sendsPerMessage.set(key, (sendsPerMessage.get(key) ?? 0) + 1);
        const answer = () => json(res, { errcode: 0, errmsg: 'ok', msgid: state.sent.length });
        // Counted on arrival, answered late: the message went out even if the caller gives up waiting.
        if (api.sendDelayMs > 0) setTimeout(answer, api.sendDelayMs).unref();
        else answer();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errcode: 404, errmsg: 'unknown api' }));
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const api: FakeWechat = {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    issuedSessionKeys: state.issuedSessionKeys,
    calls: state.calls,
    sent: state.sent,
    issuedTokens: state.issuedTokens,
    sendsPerMessage,
    duplicates: () => [...sendsPerMessage.values()].reduce((n, c) => n + c - 1, 0),
    sendDelayMs: opts.sendDelayMs ?? 0,
    expireTokens() {
      validTokens.clear();
    },
    phoneCodes: wxa.phoneCodes,
    pay,
    callCount: (path) => state.calls.filter((c) => c.path === path).length,
    failNext(path, errcode, count = 1) {
      failures.set(path, [...(failures.get(path) ?? []), { errcode, count }]);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
