import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the WeChat server APIs the product calls, as a real HTTP server, for
 * development and tests. jscode2session maps a login code to an openid by the
 * text before its last ':' (`alice:1` and `alice:2` are the same WeChat user), and
 * each code works once, like real wx.login codes. Codes starting with `invalid`,
 * `ratelimit` or `busy` answer 40029, 45011 and -1. `POST /__control/fail` makes
 * the next N calls to a path answer a given errcode (or hang, or drop).
 */
export interface FakeWechat {
  url: string;
  close(): Promise<void>;
  /** session_keys handed out, so tests can prove none of them leaks. */
  issuedSessionKeys: string[];
  calls: { path: string; at: number }[];
  failNext(path: string, errcode: number | 'drop' | 'slow', count?: number): void;
}

export function openidFor(identity: string): string {
  return `ofk${createHash('sha256').update(identity).digest('base64url').slice(0, 25)}`;
}

export async function startFakeWechat(opts: { port?: number; host?: string; appId?: string; secret?: string } = {}): Promise<FakeWechat> {
  const used = new Set<string>();
  const failures = new Map<string, { errcode: number | 'drop' | 'slow'; count: number }[]>();
  const state: Pick<FakeWechat, 'issuedSessionKeys' | 'calls'> = { issuedSessionKeys: [], calls: [] };

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
    const forced = takeFailure(url.pathname);
    if (forced === 'drop') return void req.socket.destroy();
    if (forced === 'slow') return void setTimeout(() => json(res, { errcode: -1, errmsg: 'system error' }), 30_000).unref();
    if (typeof forced === 'number') return json(res, { errcode: forced, errmsg: `forced ${forced}` });

    if (url.pathname === '/sns/jscode2session') {
      const code = url.searchParams.get('js_code') ?? '';
      if (opts.appId && url.searchParams.get('appid') !== opts.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' });
      if (opts.secret && url.searchParams.get('secret') !== opts.secret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      if (!code || code.startsWith('invalid')) return json(res, { errcode: 40029, errmsg: 'invalid code' });
      if (code.startsWith('ratelimit')) return json(res, { errcode: 45011, errmsg: 'api minute-quota reach limit' });
      if (code.startsWith('busy')) return json(res, { errcode: -1, errmsg: 'system error' });
      if (used.has(code)) return json(res, { errcode: 40163, errmsg: 'code been used' });
      used.add(code);
      const identity = code.includes(':') ? code.slice(0, code.lastIndexOf(':')) : code;
      const sessionKey = randomBytes(16).toString('base64');
      state.issuedSessionKeys.push(sessionKey);
      return json(res, { openid: openidFor(identity), unionid: `ufk${openidFor(identity).slice(3)}`, session_key: sessionKey });
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
    failNext(path, errcode, count = 1) {
      failures.set(path, [...(failures.get(path) ?? []), { errcode, count }]);
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return api;
}
