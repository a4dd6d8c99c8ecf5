import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ResponseFor } from '@huiyuan/shared';
import { loggedInClerk, serve, settle, typeInto } from '../http';
import StaffCheckoutPage from '../../src/staff/checkout/index';

const tier = { code: 'gold', name: '金卡', minGrowth: 1000, multiplierPercent: 150, benefits: [] };
const created = (confirm: 'member_confirm' | 'member_code'): ResponseFor<'staffPhoneLookup'> => ({
  requestId: 'a'.repeat(32),
  maskedPhone: '139****0001',
  confirm,
  expiresAt: '2030-01-01T00:02:00Z',
});
const pending: ResponseFor<'staffPhoneLookupState'> = {
  requestId: 'a'.repeat(32),
  status: 'pending',
  memberToken: null,
  tokenExpiresAt: null,
  maskedName: null,
  maskedPhone: '139****0001',
};
const confirmed: ResponseFor<'staffPhoneLookupState'> = {
  ...pending,
  status: 'confirmed',
  memberToken: `${'a'.repeat(32)}.${'T'.repeat(43)}`,
  tokenExpiresAt: '2030-01-01T00:05:00Z',
  maskedName: '王*',
};
const result: ResponseFor<'staffCheckout'> = {
  orderNo: 'A2001',
  memberId: '7',
  maskedName: '王*',
  amountCents: 1000,
  points: 10,
  lines: [{ code: 'base', points: 10 }],
  growth: 10,
  balance: 10,
  tier,
  tierChanged: null,
  redeemedPoints: 0,
  discountCents: 0,
  cashCents: 1000,
  pendingPoints: 0,
  pendingUntil: null,
  replayed: false,
};

beforeEach(() => {
  const real = console.error;
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    if (!String(a[0]).includes("reading 'value'")) real(...a);
  });
  loggedInClerk();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

const finishCheckout = async () => {
  typeInto(screen.getByTestId('checkout-amount'), '10');
  typeInto(screen.getByTestId('checkout-order'), 'A2001');
  fireEvent.click(screen.getByTestId('checkout-submit'));
  await settle();
};

it('by phone, confirmed in the app: waits for the member, then checks out with the member token', async () => {
  let answers = 0;
  const sent = serve({
    'POST /api/staff/members/phone-lookup': created('member_confirm'),
    [`GET /api/staff/members/phone-lookup/${'a'.repeat(32)}`]: () => (++answers < 2 ? pending : confirmed),
    'POST /api/staff/checkout': result,
  });
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  render(<StaffCheckoutPage />);
  typeInto(screen.getByTestId('phone-lookup-phone'), '13900000001');
  fireEvent.click(screen.getByText('发送确认'));
  await act(async () => {
    await Promise.resolve();
  });
  expect(screen.getByTestId('phone-lookup').textContent).toContain('已向 139****0001 发送确认');
  // Nobody is shown until the member confirms.
  expect(screen.queryByTestId('checkout-confirm')).toBeNull();
  for (let i = 0; i < 2; i++)
    await act(async () => {
      jest.advanceTimersByTime(2000);
      for (let k = 0; k < 5; k++) await Promise.resolve();
    });
  jest.useRealTimers();
  await settle();
  expect(screen.getByTestId('checkout-confirm').textContent).toContain('王* 139****0001 · 已在手机上确认');
  await finishCheckout();
  const post = sent.find((s) => s.path === '/api/staff/checkout')!;
  expect(post.data).toEqual({ memberToken: confirmed.memberToken, orderNo: 'A2001', amountCents: 1000 });
  expect(screen.getByTestId('checkout-result').textContent).toContain('积分成功');
});

it('by phone, with the code the member reads: the clerk types it and checks out', async () => {
  const sent = serve({
    'POST /api/staff/members/phone-lookup': created('member_code'),
    [`POST /api/staff/members/phone-lookup/${'a'.repeat(32)}/verify`]: confirmed,
    'POST /api/staff/checkout': result,
  });
  render(<StaffCheckoutPage />);
  typeInto(screen.getByTestId('phone-lookup-phone'), '13900000001');
  fireEvent.click(screen.getByText('发送确认'));
  await settle();
  typeInto(screen.getByTestId('phone-lookup-code'), '123456');
  fireEvent.click(screen.getByText('确认'));
  await settle();
  expect(sent.find((s) => s.path.endsWith('/verify'))!.data).toEqual({ code: '123456' });
  await finishCheckout();
  expect(sent.find((s) => s.path === '/api/staff/checkout')!.data).toMatchObject({
    memberToken: confirmed.memberToken,
  });
});
