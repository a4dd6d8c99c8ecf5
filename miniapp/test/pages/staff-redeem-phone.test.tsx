import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { loggedInClerk, serve, settle, typeInto } from '../http';
import StaffCheckoutPage from '../../src/staff/checkout/index';

/** Points as cash the member confirms on the phone (operator setting `phone`), at the till. */
const tier = { code: 'gold', name: '金卡', minGrowth: 1000, multiplierPercent: 150, benefits: [] };
const preview = { memberId: '7', maskedName: '张*', maskedPhone: '138****0000', tier, balance: 500, memberDay: false };
const ID = 'b'.repeat(32);
const TOKEN = `${ID}.${'x'.repeat(43)}`;

beforeEach(() => {
  const real = console.error;
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes("reading 'value'")) real(...a);
  });
  loggedInClerk();
});
afterEach(() => jest.restoreAllMocks());

it('asks the member to confirm on the phone, waits, then checks out with the confirmation token', async () => {
  let confirmed = false;
  const sent = serve({
    'GET /api/staff/members/lookup': preview,
    'GET /api/staff/checkout/quote': {
      memberId: '7',
      balance: 500,
      pendingPoints: 0,
      maxPoints: 500,
      redeemedToday: 0,
      rules: { enabled: true, pointsPerYuan: 100, maxSharePercent: 50, perMemberDailyPoints: 0, confirm: 'phone' },
      split: { points: 500, discountCents: 500, cashCents: 1500 },
      earnPoints: 15,
    },
    'POST /api/staff/checkout/redeem-confirmations': {
      requestId: ID,
      points: 300,
      discountCents: 300,
      cashCents: 1700,
      expiresAt: '2030-01-01T00:00:00Z',
    },
    [`GET /api/staff/checkout/redeem-confirmations/${ID}`]: () => ({
      requestId: ID,
      status: confirmed ? 'confirmed' : 'pending',
      memberToken: confirmed ? TOKEN : null,
      tokenExpiresAt: confirmed ? '2030-01-01T00:00:00Z' : null,
    }),
    'POST /api/staff/checkout': {
      orderNo: 'A2001',
      memberId: '7',
      maskedName: '张*',
      amountCents: 2000,
      points: 17,
      lines: [{ code: 'base', points: 17 }],
      growth: 17,
      balance: 217,
      tier,
      tierChanged: null,
      redeemedPoints: 300,
      discountCents: 300,
      cashCents: 1700,
      pendingPoints: 0,
      pendingUntil: null,
      replayed: false,
    },
  });
  render(<StaffCheckoutPage />);
  (Taro.scanCode as unknown as jest.Mock).mockResolvedValueOnce({ result: '10000000071234567890' });
  fireEvent.click(screen.getByTestId('scan-button'));
  await settle();
  typeInto(screen.getByTestId('checkout-amount'), '20');
  typeInto(screen.getByTestId('checkout-order'), 'A2001');
  act(() => {
    screen
      .getByTestId('points-cash-toggle')
      .dispatchEvent(Object.assign(new Event('change', { bubbles: true }), { detail: { value: true } }));
  });
  await act(() => new Promise((r) => setTimeout(r, 450)));
  await settle();
  typeInto(screen.getByTestId('points-cash-points'), '300');
  // No checkout while the member has not confirmed.
  expect(screen.getByTestId('checkout-submit').hasAttribute('disabled')).toBe(true);
  fireEvent.click(screen.getByTestId('redeem-phone-ask'));
  await settle();
  expect(sent.find((s) => s.path === '/api/staff/checkout/redeem-confirmations')!.data).toEqual({
    memberCode: '10000000071234567890',
    orderNo: 'A2001',
    amountCents: 2000,
    redeemPoints: 300,
  });
  expect(screen.getByTestId('redeem-phone-waiting').textContent).toContain('使用 300 积分抵 ¥3.00');
  confirmed = true;
  await act(() => new Promise((r) => setTimeout(r, 2100)));
  await settle();
  expect(screen.getByTestId('redeem-phone-confirmed').textContent).toContain('300 积分');
  fireEvent.click(screen.getByTestId('checkout-submit'));
  await settle();
  const post = sent.find((s) => s.method === 'POST' && s.path === '/api/staff/checkout')!;
  expect(post.data).toEqual({ memberToken: TOKEN, orderNo: 'A2001', amountCents: 2000, redeemPoints: 300 });
  expect(screen.getByTestId('checkout-redeemed').textContent).toContain('积分抵扣 300');
});
