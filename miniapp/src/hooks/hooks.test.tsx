import { act, renderHook, waitFor } from '@testing-library/react';
import type { CardResponse } from '@huiyuan/shared';
import { useAsync } from './useAsync';
import { useInfiniteList } from './useInfiniteList';
import { hexToBytes, useMemberCode } from './useMemberCode';
import { memberCodeGenerator } from '../domain/memberCode';
import { parseMemberCode, secretFromHex, verifyMemberCode } from '@huiyuan/shared/src/domain/member-code';

const deferred = <T,>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('useAsync', () => {
  it('goes loading -> data, and reports empty for an empty result', async () => {
    const { result } = renderHook(() => useAsync(() => Promise.resolve([] as number[]), []));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.empty).toBe(true);
    expect(result.current.data).toEqual([]);
  });

  it('keeps the error and recovers on reload; reload over data is "refreshing", not "loading"', async () => {
    const third = deferred<{ n: number }>();
    const load = jest
      .fn()
      .mockRejectedValueOnce(new Error('x'))
      .mockResolvedValueOnce({ n: 1 })
      .mockReturnValueOnce(third.promise);
    const { result } = renderHook(() => useAsync(load, []));
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.loading).toBe(false);
    await act(() => result.current.reload());
    expect(result.current.data).toEqual({ n: 1 });
    expect(result.current.error).toBeUndefined();
    let p!: Promise<void>;
    act(() => {
      p = result.current.reload();
    });
    expect(result.current).toMatchObject({ loading: false, refreshing: true, data: { n: 1 } });
    await act(async () => {
      third.resolve({ n: 2 });
      await p;
    });
    expect(result.current).toMatchObject({ loading: false, refreshing: false, data: { n: 2 } });
  });

  it('lets only the latest run write: a slow older answer is dropped', async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const load = jest.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const { result, rerender } = renderHook(({ id }) => useAsync(load, [id]), { initialProps: { id: 1 } });
    rerender({ id: 2 });
    await act(async () => {
      second.resolve('new');
      await second.promise;
    });
    await act(async () => {
      first.resolve('old');
      await first.promise;
    });
    expect(result.current.data).toBe('new');
  });
});

describe('useInfiniteList', () => {
  const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
    start: { items: [1, 2], nextCursor: 'c2' },
    c2: { items: [3, 4], nextCursor: 'c3' },
    c3: { items: [5], nextCursor: null },
  };

  it('follows the cursor until it is null, one page request at a time', async () => {
    const fetch = jest.fn((cursor: string | null) => Promise.resolve(pages[cursor ?? 'start']));
    const { result } = renderHook(() => useInfiniteList(fetch, []));
    await waitFor(() => expect(result.current.items).toEqual([1, 2]));
    await act(async () => {
      await Promise.all([result.current.loadMore(), result.current.loadMore()]);
    });
    expect(result.current.items).toEqual([1, 2, 3, 4]);
    await act(() => result.current.loadMore());
    expect(result.current.items).toEqual([1, 2, 3, 4, 5]);
    expect(result.current.done).toBe(true);
    await act(() => result.current.loadMore());
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([null, 'c2', 'c3']);
  });

  it('keeps loaded rows when a page fails and retries the same cursor', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValueOnce(pages.start)
      .mockRejectedValueOnce(new Error('net'))
      .mockResolvedValueOnce(pages.c2);
    const { result } = renderHook(() => useInfiniteList(fetch, []));
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    await act(() => result.current.loadMore());
    expect(result.current.error).toBeInstanceOf(Error);
    expect(result.current.items).toEqual([1, 2]);
    await act(() => result.current.loadMore());
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([null, 'c2', 'c2']);
    expect(result.current.items).toEqual([1, 2, 3, 4]);
  });

  it('reports empty for an empty first page; refresh starts over and drops a stale page', async () => {
    const slow = deferred<{ items: number[]; nextCursor: string | null }>();
    const fetch = jest
      .fn()
      .mockResolvedValueOnce(pages.start)
      .mockReturnValueOnce(slow.promise)
      .mockResolvedValueOnce({ items: [], nextCursor: null });
    const { result } = renderHook(() => useInfiniteList(fetch, []));
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    let more!: Promise<void>;
    act(() => {
      more = result.current.loadMore();
    });
    await act(() => result.current.refresh());
    await act(async () => {
      slow.resolve(pages.c2);
      await more;
    });
    expect(result.current.items).toEqual([]);
    expect(result.current.empty).toBe(true);
  });
});

describe('useMemberCode', () => {
  const card = (over: Partial<CardResponse['code']> = {}, serverTime = '2024-11-24T10:00:10.000Z'): CardResponse => ({
    memberId: '7',
    maskedName: '张*',
    balance: 0,
    tier: { code: 'normal', name: '普通会员', minGrowth: 0, multiplierPercent: 100, benefits: [] },
    code: {
      secretHex: '00ff10',
      stepSeconds: 30,
      digits: 6,
      current: '10000000071234567890',
      expiresAt: '2024-11-24T10:00:30.000Z',
      ...over,
    },
    serverTime,
  });

  beforeEach(() => {
    jest.useFakeTimers();
    // The phone's clock is 5 minutes fast: only the server's time may count.
    jest.setSystemTime(new Date('2024-11-24T10:05:10.000Z'));
  });
  afterEach(() => jest.useRealTimers());

  it('shows the server code with a countdown on server time, then refetches once when it expires', () => {
    const refetch = jest.fn();
    const c = card();
    const { result } = renderHook(() => useMemberCode(c, refetch));
    expect(result.current).toEqual({ code: '10000000071234567890', secondsLeft: 20, stale: false });
    act(() => {
      jest.advanceTimersByTime(19_000);
    });
    expect(result.current.secondsLeft).toBe(1);
    act(() => {
      jest.advanceTimersByTime(3_000);
    });
    expect(result.current.stale).toBe(true);
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it('computes the code on the device with the shared rule when given one', () => {
    const generate = jest.fn(
      (id: string, secret: Uint8Array, now: number) => `${id}${secret.length}${Math.floor(now / 30000)}`,
    );
    const { result } = renderHook(() => useMemberCode(card(), jest.fn(), { generate }));
    const step = Math.floor(Date.parse('2024-11-24T10:00:10.000Z') / 30000);
    expect(result.current.code).toBe(`73${step}`);
    act(() => {
      jest.advanceTimersByTime(20_000);
    });
    expect(result.current.code).toBe(`73${step + 1}`);
  });

  it('with the shared TOTP rule shows a code the server verifies, despite the phone clock being 5 minutes off', () => {
    const secretHex = '3132333435363738393031323334353637383930'; // RFC 6238 test secret
    const c = card({ secretHex });
    const { result } = renderHook(() => useMemberCode(c, jest.fn(), { generate: memberCodeGenerator }));
    const code = result.current.code!;
    const parsed = parseMemberCode(code)!;
    expect(parsed.memberId).toBe('7');
    const serverNow = Date.parse(c.serverTime);
    expect(verifyMemberCode(secretFromHex(secretHex), parsed.otp, serverNow, { acceptPrevious: false })).toEqual({
      ok: true,
      step: Math.floor(serverNow / 30000),
    });
    // By the phone's own (wrong) clock the code would be refused.
    expect(verifyMemberCode(secretFromHex(secretHex), parsed.otp, Date.now() + 300_000).ok).toBe(false);
    expect(result.current.secondsLeft).toBe(20);
  });

  it('falls back to the server code when the rule cannot run on this device', () => {
    const generate = jest.fn(() => {
      throw new ReferenceError('BigInt is not defined');
    });
    const { result } = renderHook(() => useMemberCode(card(), jest.fn(), { generate }));
    expect(result.current.code).toBe('10000000071234567890');
  });

  it('does nothing while inactive or without a card', () => {
    const refetch = jest.fn();
    const { result } = renderHook(() => useMemberCode(undefined, refetch, { active: false }));
    act(() => {
      jest.advanceTimersByTime(60_000);
    });
    expect(result.current.code).toBeNull();
    expect(refetch).not.toHaveBeenCalled();
    expect(Array.from(hexToBytes('00ff10'))).toEqual([0, 255, 16]);
  });
});
