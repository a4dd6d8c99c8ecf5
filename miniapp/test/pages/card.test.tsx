import { act, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { CARD_SECRET, cardResponse, loggedInMember, serve, settle } from '../http';
import { callHandler } from '../taro-mock';
import CardPage from '../../src/pages/index/index';
import { parseMemberCode, secretFromHex, verifyMemberCode } from '@huiyuan/shared/src/domain/member-code';

const tier = { code: 'gold', name: '金卡会员', minGrowth: 1000, multiplierPercent: 150, benefits: [] };

beforeEach(loggedInMember);

it('shows the card face, the member code from the card API and the growth progress', async () => {
  serve({
    'GET /api/me/card': cardResponse({ tier, balance: 2480 }),
    'GET /api/me/tier': {
      current: tier,
      since: '2024-01-01T00:00:00Z',
      growthInWindow: 2000,
      window: { months: 12, from: '2023-11-24T00:00:00Z' },
      next: { tier: { ...tier, code: 'platinum', name: '铂金会员', minGrowth: 5000 }, needed: 3000 },
      keep: { minGrowth: 1000, needed: 0, atRisk: false, graceUntil: null },
      tiers: [tier],
      entries: [],
    },
  });
  render(<CardPage />);
  await settle();
  expect(screen.getByTestId('tier-card').textContent).toContain('金卡会员');
  expect(screen.getByTestId('tier-card-points').textContent).toBe('2,480');
  // Computed on the device by the shared rule: member id 7 padded to 10 digits + 6 TOTP digits.
  const digits = screen.getByTestId('member-code-digits').textContent!.replace(/ /g, '');
  const parsed = parseMemberCode(digits)!;
  expect(parsed.memberId).toBe('7');
  expect(verifyMemberCode(secretFromHex(CARD_SECRET), parsed.otp, Date.now()).ok).toBe(true);
  expect(screen.getByTestId('card-code').textContent).toMatch(/[0-9]+秒后自动刷新/);
  expect(screen.getByTestId('growth-hint').textContent).toBe('再获得 3,000 成长值升级为铂金会员');
  expect(screen.queryByTestId('tier-card-pending')).toBeNull();
});

it('shows an error with retry when the card cannot be loaded', async () => {
  serve({
    'GET /api/me/card': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
    'GET /api/me/tier': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
  });
  render(<CardPage />);
  await settle();
  expect(screen.getByTestId('state-error').textContent).toContain('系统开小差了');
  expect(Taro.setScreenBrightness).not.toHaveBeenCalled(); // not weapp under jest
});

it('shares the card and the timeline with the invite code, fetched once per member', async () => {
  const sent = serve({
    'GET /api/me/card': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
    'GET /api/me/tier': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
    'GET /api/me/referrals': { code: 'INV42' },
  });
  const { unmount } = render(<CardPage />);
  await settle();
  expect(callHandler('share', { from: 'menu' })).toMatchObject({ path: '/pages/index/index?ref=INV42' });
  expect(callHandler('shareTimeline')).toMatchObject({ query: 'ref=INV42' });
  unmount();
  render(<CardPage />);
  await settle();
  expect(callHandler('share', { from: 'menu' })).toMatchObject({ path: '/pages/index/index?ref=INV42' });
  expect(sent.filter((s) => s.path === '/api/me/referrals')).toHaveLength(1);
});

it('points credited at the counter show on the open card as they arrive, from one poll', async () => {
  let balance = 2480;
  const sent = serve({
    'GET /api/me/card': cardResponse({ tier, balance: 2480 }),
    'GET /api/me/tier': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
    'GET /api/me/card/pulse': () => ({
      balance,
      pendingPoints: 0,
      confirmations: [],
      serverTime: new Date().toISOString(),
    }),
  });
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  render(<CardPage />);
  const tick = () =>
    act(async () => {
      jest.advanceTimersByTime(3_000);
      for (let k = 0; k < 5; k++) await Promise.resolve();
    });
  await tick();
  expect(screen.getByTestId('tier-card-points').textContent).toBe('2,480');
  expect(screen.queryByTestId('points-arrived')).toBeNull();
  balance = 2603; // a checkout at the counter
  await tick();
  jest.useRealTimers();
  expect(screen.getByTestId('tier-card-points').textContent).toBe('2,603');
  expect(screen.getByTestId('points-arrived').textContent).toContain('123');
  expect(sent.filter((s) => s.path === '/api/me/confirmations')).toEqual([]);
});
