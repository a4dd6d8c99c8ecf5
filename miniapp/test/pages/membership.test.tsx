import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { loggedInMember, serve, settle } from '../http';
import MembershipPage from '../../src/member/membership/index';

const plan = {
  id: '1',
  code: 'monthly',
  title: '月卡',
  priceFen: 3000,
  period: 'month',
  benefitKind: 'multiplier',
  benefitPercent: 200,
  yearlyCapPoints: 500,
  packGiftRuleId: '3',
  pack: [{ benefitId: '9', title: '咖啡券', count: 2 }],
  tierFloor: { code: 'gold', name: '金卡会员' },
  active: true,
};
const none = {
  status: 'none',
  plan: null,
  startedAt: null,
  endsAt: null,
  autoRenew: false,
  thisYear: { bonusPoints: 0, capPoints: 0, packVouchers: 0 },
};
const active = {
  ...none,
  status: 'active',
  plan,
  startedAt: '2026-12-01T00:00:00Z',
  endsAt: '2027-01-01T00:00:00Z',
  thisYear: { bonusPoints: 120, capPoints: 500, packVouchers: 2 },
};
const pay = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 's' };
const mockPayment = (impl: () => Promise<unknown>) =>
  ((Taro as unknown as { requestPayment: jest.Mock }).requestPayment = jest.fn(impl));

beforeEach(loggedInMember);
afterEach(() => {
  Reflect.deleteProperty(process.env, 'TARO_ENV');
});

it('shows the plans; buying pays in WeChat, then polls until the server confirmed, then shows the end date', async () => {
  let mine: object = none;
  const sent = serve({
    'GET /api/me/membership': () => mine,
    'GET /api/membership/plans': { items: [plan], payAvailable: true },
    'POST /api/membership/purchase': { outTradeNo: 'HY123456', priceFen: 3000, requestPayment: pay },
    'GET /api/membership/orders/HY123456': () => {
      mine = active;
      return { outTradeNo: 'HY123456', state: 'PAID', activated: true, membership: active };
    },
  });
  mockPayment(() => Promise.resolve({ errMsg: 'requestPayment:ok' }));
  render(<MembershipPage />);
  await settle();
  expect(screen.getByText('¥30/月')).toBeTruthy();
  expect(screen.getByText(/每月礼包：咖啡券 x2/)).toBeTruthy();
  fireEvent.click(screen.getByTestId('membership-buy-monthly'));
  fireEvent.click(screen.getByTestId('membership-buy-monthly'));
  await settle();
  await settle();
  expect(sent.filter((s) => s.method === 'POST')).toHaveLength(1);
  expect((Taro as unknown as { requestPayment: jest.Mock }).requestPayment).toHaveBeenCalledWith(pay);
  expect(sent.some((s) => s.path === '/api/membership/orders/HY123456')).toBe(true);
  expect(screen.getByTestId('membership-ends').textContent).toContain('2027-01-01');
  expect(screen.getByTestId('membership-buy-monthly').textContent).toContain('续费');
});

it('a cancelled payment starts nothing and asks nothing of the server', async () => {
  const sent = serve({
    'GET /api/me/membership': none,
    'GET /api/membership/plans': { items: [plan], payAvailable: true },
    'POST /api/membership/purchase': { outTradeNo: 'HY123456', priceFen: 3000, requestPayment: pay },
  });
  mockPayment(() => Promise.reject({ errMsg: 'requestPayment:fail cancel' }));
  render(<MembershipPage />);
  await settle();
  fireEvent.click(screen.getByTestId('membership-buy-monthly'));
  await settle();
  expect(sent.some((s) => s.path.startsWith('/api/membership/orders/'))).toBe(false);
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '支付未完成' }));
});

it('the browser build says to buy in WeChat instead of offering to pay', async () => {
  process.env.TARO_ENV = 'h5';
  serve({ 'GET /api/me/membership': none, 'GET /api/membership/plans': { items: [plan], payAvailable: true } });
  render(<MembershipPage />);
  await settle();
  expect(screen.getByTestId('membership-wechat-only').textContent).toBe('请在微信中购买');
  expect(screen.queryByTestId('membership-buy-monthly')).toBeNull();
});
