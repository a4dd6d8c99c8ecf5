import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { loggedInClerk, serve, settle, typeInto } from '../http';
import StaffCheckoutPage from '../../src/staff/checkout/index';

const tier = { code: 'gold', name: '金卡', minGrowth: 1000, multiplierPercent: 150, benefits: [] };
const preview = { memberId: '7', maskedName: '张*', maskedPhone: null, tier, balance: 500, memberDay: false };
const credited = {
  orderNo: 'A2001',
  memberId: '7',
  maskedName: '张*',
  amountCents: 5000,
  points: 50,
  lines: [{ code: 'base', points: 50 }],
  growth: 50,
  balance: 550,
  tier,
  tierChanged: null,
  redeemedPoints: 0,
  discountCents: 0,
  cashCents: 5000,
  pendingPoints: 0,
  pendingUntil: null,
  replayed: false,
};

let now = Date.UTC(2026, 10, 24, 4);
beforeEach(() => {
  const real = console.error;
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes("reading 'value'")) real(...a);
  });
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  loggedInClerk();
});
afterEach(() => jest.restoreAllMocks());

async function creditOnce() {
  (Taro.scanCode as unknown as jest.Mock).mockResolvedValueOnce({ result: '10000000071234567890' });
  fireEvent.click(screen.getByTestId('scan-button'));
  await settle();
  typeInto(screen.getByTestId('checkout-amount'), '50');
  typeInto(screen.getByTestId('checkout-order'), 'A2001');
  fireEvent.click(screen.getByTestId('checkout-submit'));
  await settle();
}

it('a double tap on 确认积分 cannot land on 下一单: the result stays until a later tap dismisses it', async () => {
  const sent = serve({ 'GET /api/staff/members/lookup': preview, 'POST /api/staff/checkout': credited });
  render(<StaffCheckoutPage />);
  await creditOnce();
  expect(screen.getByTestId('checkout-result').textContent).toContain('积分成功');
  // The second half of the double tap, 150 ms after the first: ignored.
  now += 150;
  fireEvent.click(screen.getByTestId('checkout-next'));
  await settle();
  expect(screen.getByTestId('checkout-result').textContent).toContain('+50 积分');
  expect(sent.filter((s) => s.method === 'POST')).toHaveLength(1);
  // A deliberate tap once the result has been on screen for a moment starts the next order.
  now += 400;
  fireEvent.click(screen.getByTestId('checkout-next'));
  await settle();
  expect(screen.queryByTestId('checkout-result')).toBeNull();
  expect(screen.getByTestId('scan-button')).toBeTruthy();
});

it('a second order shows its own result with the same guard', async () => {
  serve({ 'GET /api/staff/members/lookup': preview, 'POST /api/staff/checkout': credited });
  render(<StaffCheckoutPage />);
  await creditOnce();
  now += 1000;
  fireEvent.click(screen.getByTestId('checkout-next'));
  await settle();
  await creditOnce();
  now += 50;
  fireEvent.click(screen.getByTestId('checkout-next'));
  await settle();
  expect(screen.getByTestId('checkout-result')).toBeTruthy();
});

it('an expired staff token on the counter says so and returns to the login', async () => {
  serve({ 'GET /api/staff/members/lookup': { status: 401, body: { code: 'TOKEN_INVALID', message: 'bad' } } });
  render(<StaffCheckoutPage />);
  (Taro.scanCode as unknown as jest.Mock).mockResolvedValueOnce({ result: '10000000071234567890' });
  fireEvent.click(screen.getByTestId('scan-button'));
  await settle();
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '登录已过期，请重新登录' }));
  expect(Taro.redirectTo).toHaveBeenCalledWith({
    url: '/staff/login/index?next=%2Fstaff%2Fcheckout%2Findex&expired=1',
  });
});
