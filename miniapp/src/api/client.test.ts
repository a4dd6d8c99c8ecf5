import Taro from '@tarojs/taro';
import { ERROR_CODES, isIdempotencyKey } from '@huiyuan/shared';
import { api, buildUrl, request } from './client';
import { ApiError, ERROR_MESSAGES } from './errors';
import { isPending } from './idempotency';
import { memberSession, rememberRef, saveMemberSession, saveStaffSession, staffSession } from './session';
import { KEYS } from './storage';

const req = Taro.request as unknown as jest.Mock;
const login = Taro.login as unknown as jest.Mock;

const reply = (statusCode: number, data: unknown) => ({ statusCode, data, header: {}, errMsg: 'request:ok' });
const loginOk = (token: string) =>
  reply(200, { token, expiresAt: '2030-01-01T00:00:00.000Z', memberId: '7', isNew: false });
const calls = () =>
  req.mock.calls.map(([o]) => o as { url: string; method: string; header: Record<string, string>; data?: unknown });

beforeEach(() => {
  saveMemberSession({ token: 'T1', expiresAt: '2030-01-01T00:00:00.000Z', memberId: '7' });
});

describe('login', () => {
  it('logs in first when there is no token, carrying the launch ref once', async () => {
    Taro.removeStorageSync(KEYS.memberToken);
    rememberRef('INV42');
    req.mockResolvedValueOnce(loginOk('T9')).mockResolvedValueOnce(reply(200, { id: '7' }));
    await api.get('/api/me');
    const [l, me] = calls();
    expect(l).toMatchObject({ url: '/api/auth/login', method: 'POST', data: { code: 'wx-code', ref: 'INV42' } });
    expect(l.header.authorization).toBeUndefined();
    expect(me.header.authorization).toBe('Bearer T9');
    expect(memberSession()?.token).toBe('T9');
    expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('');
  });

  it('ignores a ref that is not a plain code', () => {
    rememberRef('x'.repeat(40));
    rememberRef('a b');
    expect(Taro.getStorageSync(KEYS.pendingRef)).toBe('');
  });

  it('on H5 uses a stable random dev identity: <identity>:<time>', async () => {
    const prev = process.env.TARO_ENV;
    process.env.TARO_ENV = 'h5';
    try {
      Taro.removeStorageSync(KEYS.memberToken);
      req.mockResolvedValueOnce(loginOk('A')).mockResolvedValueOnce(reply(200, {}));
      await api.get('/api/me');
      Taro.removeStorageSync(KEYS.memberToken);
      req.mockResolvedValueOnce(loginOk('B')).mockResolvedValueOnce(reply(200, {}));
      await api.get('/api/me');
      const codes = calls()
        .filter((c) => c.url === '/api/auth/login')
        .map((c) => (c.data as { code: string }).code);
      expect(codes[0]).toMatch(/^h5-[a-z0-9]+:\d+$/);
      // Same text before the last ':' -> same openid at the fake WeChat server.
      expect(codes[1].slice(0, codes[1].lastIndexOf(':'))).toBe(codes[0].slice(0, codes[0].lastIndexOf(':')));
      expect(login).not.toHaveBeenCalled();
    } finally {
      process.env.TARO_ENV = prev;
    }
  });

  it('maps a failing wx.login to LOGIN_FAILED without calling the server', async () => {
    Taro.removeStorageSync(KEYS.memberToken);
    login.mockRejectedValueOnce({ errMsg: 'login:fail' });
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'LOGIN_FAILED', message: '微信登录失败，请重试' });
    expect(req).not.toHaveBeenCalled();
  });
});

describe('401: one transparent re-login', () => {
  it('logs in again once and repeats the call with the new token and the same key', async () => {
    req
      .mockResolvedValueOnce(reply(401, { code: 'TOKEN_EXPIRED', message: 'expired' }))
      .mockResolvedValueOnce(loginOk('T2'))
      .mockResolvedValueOnce(reply(200, { ok: true }));
    await expect(api.post('/api/me/checkins', {}, { operation: 'checkin:2024-11-24' })).resolves.toEqual({ ok: true });
    const [first, relogin, second] = calls();
    expect(first.header.authorization).toBe('Bearer T1');
    expect(relogin.url).toBe('/api/auth/login');
    expect(second.header.authorization).toBe('Bearer T2');
    expect(second.header['idempotency-key']).toBe(first.header['idempotency-key']);
    expect(login).toHaveBeenCalledTimes(1);
  });

  it('does not loop: a second 401 is returned to the caller', async () => {
    req
      .mockResolvedValueOnce(reply(401, { code: 'TOKEN_INVALID', message: 'no' }))
      .mockResolvedValueOnce(loginOk('T2'))
      .mockResolvedValueOnce(reply(401, { code: 'TOKEN_INVALID', message: 'no' }));
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(login).toHaveBeenCalledTimes(1);
    expect(req).toHaveBeenCalledTimes(3);
  });

  it('several calls meeting 401 together share one login', async () => {
    Taro.removeStorageSync(KEYS.memberToken);
    let release!: () => void;
    login.mockImplementationOnce(
      () =>
        new Promise((r) => {
          release = () => r({ code: 'c1' });
        }),
    );
    req.mockImplementation((o: { url: string }) =>
      Promise.resolve(o.url === '/api/auth/login' ? loginOk('T5') : reply(200, {})),
    );
    const all = Promise.all([api.get('/api/me'), api.get('/api/me/points'), api.get('/api/me/tier')]);
    await Promise.resolve();
    release();
    await all;
    expect(login).toHaveBeenCalledTimes(1);
    expect(calls().filter((c) => c.url === '/api/auth/login')).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('is stored before sending and reused by the automatic resend after a network failure', async () => {
    let storedAtSend: unknown;
    req
      .mockImplementationOnce(() => {
        storedAtSend = Taro.getStorageSync(`${KEYS.opPrefix}redeem:b1`);
        return Promise.reject({ errMsg: 'request:fail socket closed' });
      })
      .mockResolvedValueOnce(reply(200, { replayed: true }));
    await api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' });
    const [a, b] = calls();
    expect(isIdempotencyKey(a.header['idempotency-key'])).toBe(true);
    expect(JSON.parse(storedAtSend as string).key).toBe(a.header['idempotency-key']);
    expect(b.header['idempotency-key']).toBe(a.header['idempotency-key']);
    expect(isPending('redeem:b1')).toBe(false);
  });

  it('survives a failed call (app restart) and is reused until the operation succeeds', async () => {
    req
      .mockRejectedValueOnce({ errMsg: 'request:fail timeout' })
      .mockRejectedValueOnce({ errMsg: 'request:fail timeout' });
    await expect(
      api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', status: 0 });
    expect(isPending('redeem:b1')).toBe(true);
    req.mockResolvedValueOnce(reply(503, { code: 'SERVICE_UNAVAILABLE', message: 'x' }));
    await expect(
      api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' }),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    req.mockResolvedValueOnce(reply(200, {}));
    await api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' });
    req.mockResolvedValueOnce(reply(200, {}));
    await api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' });
    const keys = calls().map((c) => c.header['idempotency-key']);
    // Two attempts before the restart (one automatic resend), then 503, then success: one key. Then a new intent: a new key.
    expect(new Set(keys.slice(0, 4)).size).toBe(1);
    expect(keys[4]).not.toBe(keys[0]);
  });

  it('is forgotten after a definitive refusal so a corrected request gets a new key', async () => {
    req.mockResolvedValueOnce(reply(409, { code: 'INSUFFICIENT_POINTS', message: 'Not enough points' }));
    await expect(
      api.post('/api/me/redemptions', { benefitId: 'b1' }, { operation: 'redeem:b1' }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(isPending('redeem:b1')).toBe(false);
  });

  it('names unnamed mutating calls by method, path and body; reads and logins carry no key', async () => {
    req.mockRejectedValueOnce({ errMsg: 'request:fail' }).mockRejectedValueOnce({ errMsg: 'request:fail' });
    await expect(api.patch('/api/me', { nickname: '阿明' })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    req.mockResolvedValueOnce(reply(200, {})).mockResolvedValueOnce(reply(200, {}));
    await api.patch('/api/me', { nickname: '阿明' });
    await api.get('/api/me');
    const [a, b, c, d] = calls();
    expect(c.header['idempotency-key']).toBe(a.header['idempotency-key']);
    expect(b.header['idempotency-key']).toBe(a.header['idempotency-key']);
    expect(d.header['idempotency-key']).toBeUndefined();
  });

  it('never resends a non-idempotent POST on its own', async () => {
    req.mockRejectedValueOnce({ errMsg: 'request:fail' });
    await expect(
      api.post('/api/staff/login', { username: 'a', password: 'b' }, { auth: 'none', idempotent: false }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(req).toHaveBeenCalledTimes(1);
  });
});

describe('errors', () => {
  it('maps a server error to a Chinese message and keeps code, status and requestId', async () => {
    req.mockResolvedValueOnce(
      reply(409, { code: 'ALREADY_CHECKED_IN', message: 'Already checked in for this day', requestId: 'r-123456' }),
    );
    const e = (await api.post('/api/me/checkins', {}).catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      code: 'ALREADY_CHECKED_IN',
      status: 409,
      requestId: 'r-123456',
      message: '今天已经签到过了',
      serverMessage: 'Already checked in for this day',
    });
    expect(e.outcomeUnknown).toBe(false);
  });

  it.each([
    [reply(502, '<html>Bad Gateway</html>'), 'INTERNAL', '系统开小差了，请稍后再试'],
    [reply(500, { code: 'SOMETHING_NEW', message: '?' }), 'SOMETHING_NEW', '系统开小差了，请稍后再试'],
    [reply(404, { code: 'VOUCHER_NOT_FOUND', message: 'x' }), 'VOUCHER_NOT_FOUND', '券不存在'],
    [
      reply(400, { code: 'MEMBER_CODE_INVALID', message: 'x' }),
      'MEMBER_CODE_INVALID',
      '会员码无效或已过期，请会员刷新后重新出示',
    ],
  ])('%#: maps %j', async (res, code, message) => {
    req.mockResolvedValueOnce(res);
    await expect(api.get('/api/x', undefined, { retries: 0 })).rejects.toMatchObject({ code, message });
  });

  it('has a Chinese message for every code in shared/src/api/errors.ts and for the new endpoints', () => {
    const extra = [
      'INSUFFICIENT_POINTS',
      'OUT_OF_STOCK',
      'LIMIT_REACHED',
      'ALREADY_CHECKED_IN',
      'VOUCHER_USED',
      'VOUCHER_EXPIRED',
      'MEMBER_CODE_INVALID',
      'MEMBER_CODE_REPLAYED',
      'TIER_TOO_LOW',
      'NETWORK_ERROR',
      'TIMEOUT',
    ];
    for (const code of [...ERROR_CODES, ...extra]) expect(ERROR_MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('maps a network failure after the resend to NETWORK_ERROR with status 0', async () => {
    req.mockRejectedValue({ errMsg: 'request:fail' });
    await expect(api.get('/api/me')).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      status: 0,
      message: '网络不给力，请检查网络后重试',
    });
    expect(req).toHaveBeenCalledTimes(2);
  });
});

describe('staff calls', () => {
  it('send the staff token, never the member token, and never log a member in', async () => {
    saveStaffSession({
      token: 'S1',
      expiresAt: '2030-01-01T00:00:00.000Z',
      staffId: '3',
      role: 'staff',
      storeId: '1',
      displayName: '小王',
    });
    req.mockResolvedValueOnce(reply(401, { code: 'TOKEN_EXPIRED', message: 'x' }));
    await expect(request('/api/staff/members/lookup', { auth: 'staff', query: { code: '123' } })).rejects.toMatchObject(
      { code: 'TOKEN_EXPIRED' },
    );
    expect(calls()[0].header.authorization).toBe('Bearer S1');
    expect(login).not.toHaveBeenCalled();
    expect(staffSession()).toBeNull();
  });

  it('without a staff session fail with STAFF_LOGIN_REQUIRED before sending', async () => {
    await expect(request('/api/staff/checkout', { auth: 'staff', method: 'POST', body: {} })).rejects.toMatchObject({
      code: 'STAFF_LOGIN_REQUIRED',
    });
    expect(req).not.toHaveBeenCalled();
  });
});

it('builds query strings, skipping empty values', () => {
  expect(buildUrl('/api/me/points/entries', { cursor: null, limit: 20 })).toBe('/api/me/points/entries?limit=20');
  expect(buildUrl('/a', { code: 'a b&c', x: undefined })).toBe('/a?code=a%20b%26c');
});
