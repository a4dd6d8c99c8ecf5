import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { loggedInClerk, serve, settle, typeInto } from '../http';
import StaffCheckoutPage from '../../src/staff/checkout/index';

const tier = { code: 'gold', name: '金卡', minGrowth: 1000, multiplierPercent: 150, benefits: [] };
const preview = { memberId: '7', maskedName: '张*', maskedPhone: '138****0000', tier, balance: 500, memberDay: false };

// Taro's <Input> writes through an inner element jsdom never renders (see ScanInput test).
beforeEach(() => {
  const real = console.error;
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes("reading 'value'")) real(...a);
  });
});
afterEach(() => jest.restoreAllMocks());

it('sends a clerk without a staff session to the staff login', async () => {
  render(<StaffCheckoutPage />);
  await settle();
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index?next=%2Fstaff%2Fcheckout%2Findex' });
});

describe('with a staff session', () => {
  beforeEach(loggedInClerk);

  const scanMember = async () => {
    (Taro.scanCode as unknown as jest.Mock).mockResolvedValueOnce({ result: '10000000071234567890' });
    fireEvent.click(screen.getByTestId('scan-button'));
    await settle();
  };

  it('scan -> preview -> amount + order -> credit, with cents and the staff token', async () => {
    const sent = serve({
      'GET /api/staff/members/lookup': preview,
      'POST /api/staff/checkout': {
        orderNo: 'A1001',
        memberId: '7',
        maskedName: '张*',
        amountCents: 1230,
        points: 18,
        lines: [
          { code: 'base', points: 12 },
          { code: 'tier', points: 6 },
        ],
        growth: 12,
        balance: 518,
        tier,
        tierChanged: null,
        replayed: false,
      },
    });
    render(<StaffCheckoutPage />);
    await scanMember();
    expect(screen.getByTestId('checkout-confirm').textContent).toContain('张* · 金卡');
    typeInto(screen.getByTestId('checkout-amount'), '12.3');
    typeInto(screen.getByTestId('checkout-order'), 'A1001');
    fireEvent.click(screen.getByTestId('checkout-submit'));
    await settle();
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.data).toEqual({ memberCode: '10000000071234567890', orderNo: 'A1001', amountCents: 1230 });
    expect(post.header.authorization).toBe('Bearer S');
    expect(post.header['idempotency-key']).toBeTruthy();
    const result = screen.getByTestId('checkout-result').textContent;
    expect(result).toContain('积分成功');
    expect(result).toContain('+18 积分');
    expect(result).toContain('等级加赠');
  });

  it('pays part of the order with points: the quote, the split and the points sent with the checkout', async () => {
    const rules = { enabled: true, pointsPerYuan: 100, maxSharePercent: 50, perMemberDailyPoints: 0, confirm: 'scan' };
    const sent = serve({
      'GET /api/staff/members/lookup': preview,
      'GET /api/staff/checkout/quote': {
        memberId: '7',
        balance: 500,
        pendingPoints: 30,
        maxPoints: 500,
        redeemedToday: 0,
        rules,
        split: { points: 500, discountCents: 500, cashCents: 1500 },
        earnPoints: 15,
      },
      'POST /api/staff/checkout': {
        orderNo: 'A1003',
        memberId: '7',
        maskedName: '张*',
        amountCents: 2000,
        points: 15,
        lines: [{ code: 'base', points: 15 }],
        growth: 15,
        balance: 15,
        tier,
        tierChanged: null,
        redeemedPoints: 500,
        discountCents: 500,
        cashCents: 1500,
        pendingPoints: 0,
        pendingUntil: null,
        replayed: false,
      },
    });
    render(<StaffCheckoutPage />);
    await scanMember();
    typeInto(screen.getByTestId('checkout-amount'), '20');
    typeInto(screen.getByTestId('checkout-order'), 'A1003');
    act(() => {
      screen
        .getByTestId('points-cash-toggle')
        .dispatchEvent(Object.assign(new Event('change', { bubbles: true }), { detail: { value: true } }));
    });
    // The quote waits for typing to settle (400 ms).
    await act(() => new Promise((r) => setTimeout(r, 450)));
    await settle();
    const quote = sent.find((s) => s.path === '/api/staff/checkout/quote')!;
    expect(quote.query).toContain('amountCents=2000');
    const cash = screen.getByTestId('points-cash').textContent;
    expect(cash).toContain('可用积分 500');
    expect(cash).toContain('30 待到账');
    expect(screen.getByTestId('points-cash-split').textContent).toContain('现金 ¥15.00');
    typeInto(screen.getByTestId('points-cash-points'), '200');
    expect(screen.getByTestId('points-cash-split').textContent).toContain('积分 200 抵 ¥2.00');
    fireEvent.click(screen.getByTestId('checkout-submit'));
    await settle();
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.data).toEqual({
      memberCode: '10000000071234567890',
      orderNo: 'A1003',
      amountCents: 2000,
      redeemPoints: 200,
    });
    expect(screen.getByTestId('checkout-redeemed').textContent).toContain('积分抵扣 500');
  });

  it('goes back to scanning when the member code has expired meanwhile', async () => {
    serve({
      'GET /api/staff/members/lookup': preview,
      'POST /api/staff/checkout': { status: 400, body: { code: 'MEMBER_CODE_INVALID', message: 'x' } },
    });
    render(<StaffCheckoutPage />);
    await scanMember();
    typeInto(screen.getByTestId('checkout-amount'), '5');
    typeInto(screen.getByTestId('checkout-order'), 'A1002');
    fireEvent.click(screen.getByTestId('checkout-submit'));
    await settle();
    expect(Taro.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '会员码无效或已过期，请会员刷新后重新出示' }),
    );
    expect(screen.getByTestId('scan-button')).toBeTruthy();
  });
});
