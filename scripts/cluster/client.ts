import type { FakeWechat } from '../fake-wechat/server';
import type { SimTarget } from '../sim/driver';

/** JSON over HTTP as the mini-program and the console send it. */
export type Opts = { body?: unknown; token?: string; headers?: Record<string, string> };

export async function call(base: string, method: string, p: string, o: Opts = {}) {
  const res = await fetch(base + p, {
    method,
    headers: {
      ...o.headers,
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the caller
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

/** Runs `fn`s one after the other, in the order they were asked for. */
export function turns(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

/**
 * A simulation's view of the cluster: every request through the proxy, in real
 * time. Several simulations run at once, so logins take turns across all of them
 * (`loginTurn`) and a WeChat failure a simulation arms is set on the fake only
 * in its own login's turn: it is met by that login, not another simulation's.
 */
export function simTarget(c: {
  url: string;
  fake: FakeWechat;
  loginTurn: ReturnType<typeof turns>;
  staff: string;
  operator: string;
  codeFor(memberId: number): Promise<string>;
}): SimTarget {
  let armed: { code: number | 'drop'; n: number } | null = null;
  const http: SimTarget['http'] = (method, p, o) => call(c.url, method, p, o);
  return {
    url: () => c.url,
    http: (method, p, o) =>
      p === '/api/auth/login'
        ? c.loginTurn(() => {
            if (armed) c.fake.failNext('/sns/jscode2session', armed.code, armed.n);
            armed = null;
            return http(method, p, o);
          })
        : http(method, p, o),
    login: async (identity) => {
      const r = await c.loginTurn(() => http('POST', '/api/auth/login', { body: { code: `${identity}:1` } }));
      return { token: r.body.token, memberId: Number(r.body.memberId) };
    },
    staffToken: async () => c.staff,
    operatorToken: async () => c.operator,
    codeFor: (id) => c.codeFor(id),
    advanceClock: () => undefined, // real time: the member code moves on by itself
    wechatFailNext: (code, n) => void (armed = { code, n }),
  };
}
