import Taro from '@tarojs/taro';
import { act } from '@testing-library/react';
import type { CardResponse } from '@huiyuan/shared';
import { saveMemberSession, saveStaffSession } from '../src/api/session';

export interface Sent {
  method: string;
  path: string;
  query: string;
  data: unknown;
  header: Record<string, string>;
}

type Handler = (sent: Sent) => { status?: number; body: unknown } | unknown;

/**
 * Programs the mocked Taro.request like a tiny server: routes are
 * "METHOD /path" -> a body (200) or a function of the request returning
 * {status, body}. Returns the list of requests sent, in order.
 */
export function serve(routes: Record<string, Handler | object>): Sent[] {
  const sent: Sent[] = [];
  (Taro.request as unknown as jest.Mock).mockImplementation(
    async (o: { url: string; method: string; data?: unknown; header: Record<string, string> }) => {
      const [path, query = ''] = o.url.split('?');
      const s: Sent = { method: o.method, path, query, data: o.data, header: o.header };
      sent.push(s);
      const route = routes[`${o.method} ${path}`];
      if (route === undefined) return { statusCode: 404, data: { code: 'NOT_FOUND', message: 'no route' } };
      const out = typeof route === 'function' ? (route as Handler)(s) : route;
      const r =
        out && typeof out === 'object' && 'body' in out ? (out as { status?: number; body: unknown }) : { body: out };
      return { statusCode: r.status ?? 200, data: r.body };
    },
  );
  return sent;
}

export const loggedInMember = () => saveMemberSession({ token: 'T', expiresAt: '2030-01-01T00:00:00Z', memberId: '7' });

/** A clerk of store 1 signed in on the staff side. */
export const loggedInClerk = () =>
  saveStaffSession({
    token: 'S',
    expiresAt: '2030-01-01T00:00:00Z',
    staffId: '3',
    role: 'staff',
    storeId: '1',
    displayName: '小王',
  });

/** Lets pending promises and the React updates they cause settle. */
export const settle = () =>
  act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  });

/** Taro's Input reports typing as an `input` event with detail.value. */
export function typeInto(el: Element, value: string) {
  act(() => {
    el.dispatchEvent(Object.assign(new Event('input', { bubbles: true }), { detail: { value } }));
  });
}

let clock: jest.SpyInstance<number, []> | null = null;

/** Moves Date.now forward: the confirm sheets ignore taps for 400 ms after they open. */
export function advanceClock(ms: number): void {
  const now = Date.now() + ms;
  clock = clock ?? jest.spyOn(Date, 'now');
  clock.mockReturnValue(now);
}

/** The real clock again (after each test, from setup.ts). */
export function resetClock(): void {
  clock?.mockRestore();
  clock = null;
}

/** The TOTP secret of member 7's card in these tests. */
export const CARD_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

/** GET /api/me/card for member 7 (a 普卡 member with no points unless `over` says otherwise). */
export const cardResponse = (over: Partial<CardResponse> = {}): CardResponse => ({
  memberId: '7',
  maskedName: '张*',
  tier: { code: 'normal', name: '普卡', minGrowth: 0, multiplierPercent: 100, benefits: [] },
  balance: 0,
  code: {
    secretHex: CARD_SECRET,
    stepSeconds: 30,
    digits: 6,
    current: '10000000071234567890',
    expiresAt: new Date(Date.now() + 25_000).toISOString(),
  },
  serverTime: new Date().toISOString(),
  ...over,
});
