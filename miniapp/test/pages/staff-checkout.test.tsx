import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { saveStaffSession } from '../../src/api/session';
import { serve, settle, typeInto } from '../http';
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
  beforeEach(() =>
    saveStaffSession({
      token: 'S',
      expiresAt: '2030-01-01T00:00:00Z',
      staffId: '3',
      role: 'staff',
      storeId: '1',
      displayName: '小王',
    }),
  );

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
