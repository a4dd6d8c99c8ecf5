import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { saveStaffSession, staffSession } from '../../src/api/session';
import { serve, settle, typeInto } from '../http';
import StaffRefundPage from '../../src/staff/refund/index';
import StaffLoginPage from '../../src/staff/login/index';
import { setRouterParams } from '../taro-mock';

// Taro's <Input> writes through an inner element jsdom never renders (see ScanInput test).
let now = Date.UTC(2026, 10, 24, 4);
beforeEach(() => {
  const real = console.error;
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes("reading 'value'")) real(...a);
  });
  // The confirm sheet and the result ignore taps for 400 ms: the tests move this clock.
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  saveStaffSession({
    token: 'S',
    expiresAt: '2030-01-01T00:00:00Z',
    staffId: '3',
    role: 'manager',
    storeId: '1',
    displayName: '小李',
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  setRouterParams({});
});
const later = (ms: number) => {
  now += ms;
};

const answer = {
  orderNo: 'A1001',
  amountCents: 3000,
  refundedCentsTotal: 3000,
  pointsReversed: 30,
  growthReversed: 30,
  balance: 470,
  redeemedPointsReturned: 200,
  pendingCancelled: 0,
  replayed: false,
};

async function fillAndOpen() {
  typeInto(screen.getByTestId('refund-order'), ' A1001 ');
  typeInto(screen.getByTestId('refund-amount'), '30');
  fireEvent.click(screen.getByTestId('refund-submit'));
  await settle();
}

it('order + yuan -> confirm sheet -> refund in cents with a key; the result shows what was refunded and clawed back', async () => {
  const sent = serve({ 'POST /api/staff/refunds': answer });
  render(<StaffRefundPage />);
  expect(screen.getByTestId('refund-submit').textContent).toBe('退款');
  await fillAndOpen();
  expect(screen.getByTestId('refund-sheet').textContent).toContain('订单 A1001 退款 ¥30.00');
  later(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(sent).toHaveLength(1);
  expect(sent[0].data).toEqual({ orderNo: 'A1001', amountCents: 3000 });
  expect(sent[0].header.authorization).toBe('Bearer S');
  expect(sent[0].header['idempotency-key']).toBeTruthy();
  const result = screen.getByTestId('refund-result').textContent!;
  expect(result).toContain('退款成功');
  expect(result).toContain('¥30.00');
  expect(screen.getByTestId('refund-clawed').textContent).toBe('-30');
  expect(screen.getByTestId('refund-returned').textContent).toBe('+200');
  expect(result).toContain('会员当前积分470');
  expect(screen.queryByTestId('refund-sheet')).toBeNull();
});

it('the tap that opened the sheet cannot confirm it, and the result ignores an early dismiss', async () => {
  const sent = serve({ 'POST /api/staff/refunds': answer });
  render(<StaffRefundPage />);
  await fillAndOpen();
  // The second half of a double tap, 120 ms later, lands on the sheet's confirm button.
  later(120);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(sent).toHaveLength(0);
  expect(screen.getByTestId('refund-sheet')).toBeTruthy();
  later(400);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(sent).toHaveLength(1);
  // Right after the answer, a tap on 继续退款 is ignored: the clerk must see the result.
  later(100);
  fireEvent.click(screen.getByTestId('refund-next'));
  await settle();
  expect(screen.getByTestId('refund-result')).toBeTruthy();
  later(400);
  fireEvent.click(screen.getByTestId('refund-next'));
  await settle();
  expect(screen.queryByTestId('refund-result')).toBeNull();
  expect(screen.getByTestId('refund-submit')).toBeTruthy();
});

it('a refund larger than what is left says how much can still be refunded', async () => {
  serve({
    'POST /api/staff/refunds': {
      status: 409,
      body: { code: 'REFUND_EXCEEDS_ORDER', message: 'too much', details: { refundableCents: 1250 } },
    },
  });
  render(<StaffRefundPage />);
  await fillAndOpen();
  later(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(screen.getByTestId('refund-refusal').textContent).toBe('退款金额超过订单剩余金额，最多还可退 ¥12.50');
  expect(screen.queryByTestId('refund-result')).toBeNull();
  expect(screen.queryByTestId('refund-sheet')).toBeNull();
});

it('an expired staff token says 登录已过期，请重新登录 and goes back to the login, which repeats it', async () => {
  serve({ 'POST /api/staff/refunds': { status: 401, body: { code: 'TOKEN_EXPIRED', message: 'expired' } } });
  render(<StaffRefundPage />);
  await fillAndOpen();
  later(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '登录已过期，请重新登录' }));
  expect(Taro.redirectTo).toHaveBeenCalledWith({
    url: '/staff/login/index?next=%2Fstaff%2Frefund%2Findex&expired=1',
  });
  expect(staffSession()).toBeNull();
  setRouterParams({ next: '%2Fstaff%2Frefund%2Findex', expired: '1' });
  render(<StaffLoginPage />);
  expect(screen.getByTestId('staff-expired').textContent).toBe('登录已过期，请重新登录');
});

it('an amount that is not a positive yuan amount or a bad order number cannot be submitted', async () => {
  const sent = serve({});
  render(<StaffRefundPage />);
  typeInto(screen.getByTestId('refund-order'), 'A1001');
  typeInto(screen.getByTestId('refund-amount'), '12.345');
  fireEvent.click(screen.getByTestId('refund-submit'));
  await settle();
  expect(screen.queryByTestId('refund-sheet')).toBeNull();
  typeInto(screen.getByTestId('refund-amount'), '12.34');
  typeInto(screen.getByTestId('refund-order'), 'A 1001');
  fireEvent.click(screen.getByTestId('refund-submit'));
  await settle();
  expect(screen.queryByTestId('refund-sheet')).toBeNull();
  expect(sent).toHaveLength(0);
});
