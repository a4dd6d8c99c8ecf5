import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { advanceClock, loggedInMember, serve, settle } from '../http';
import { callHandler, setRouterParams } from '../taro-mock';
import BenefitsPage from '../../src/pages/benefits/index';

/**
 * Tap-safe spending in the mall: 兑换 opens a sheet, only its confirm spends,
 * once per confirm however many taps land while the request is pending.
 */
beforeEach(loggedInMember);

const benefit: ResponseFor<'listBenefits'>['items'][number] = {
  id: '1',
  title: '中杯咖啡兑换券',
  description: '',
  kind: 'voucher',
  costPoints: 300,
  stockLeft: 10,
  perMemberLimit: 0,
  myRemaining: null,
  minTier: null,
  locked: false,
  validity: { days: 30, until: null },
  visibleUntil: null,
  memberDayOnly: false,
  imageUrl: null,
};
const summary = (balance: number): ResponseFor<'getPoints'> => ({
  balance,
  expiringSoon: { withinDays: 30, total: 0, lots: [] },
});
const redeemed = (balance: number): ResponseFor<'redeem'> => ({
  voucher: {
    id: '9',
    code: 'ABCDEFGH23456789',
    benefitId: '1',
    title: '中杯咖啡兑换券',
    status: 'unused',
    costPoints: 300,
    validUntil: '2024-12-24T15:59:59Z',
    redeemedAt: null,
    createdAt: '2024-11-24T02:00:00Z',
  },
  balance,
  replayed: false,
});

it('a double tap on 兑换 opens the sheet without spending; taps on confirm while pending send one request', async () => {
  let answer: (v: unknown) => void = () => undefined;
  const sent = serve({
    'GET /api/benefits': { items: [benefit] },
    'GET /api/me/points': summary(1000),
    'POST /api/me/redemptions': () => new Promise((r) => (answer = r)),
  });
  render(<BenefitsPage />);
  await settle();
  const redeem = screen.getByTestId('redeem');
  fireEvent.click(redeem);
  fireEvent.click(redeem);
  // The second half of the double tap lands on the confirm that just appeared: ignored.
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(sent.filter((s) => s.method === 'POST')).toHaveLength(0);
  expect(screen.getByTestId('redeem-after').textContent).toBe('700');

  advanceClock(500);
  const confirm = screen.getByTestId('sheet-confirm');
  fireEvent.click(confirm);
  fireEvent.click(confirm); // same frame, before React re-renders the button as loading
  await settle();
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  const posts = sent.filter((s) => s.method === 'POST');
  expect(posts).toHaveLength(1);
  expect(posts[0].data).toEqual({ benefitId: '1' });
  const key = posts[0].header['idempotency-key'];
  expect(key).toBeTruthy();

  await act(async () => answer(redeemed(700)));
  await settle();
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }));
  expect(screen.queryByTestId('redeem-sheet')).toBeNull();
  expect(screen.getByTestId('mall-balance').textContent).toBe('700');

  // The next confirm is a new intent: it gets a key of its own.
  fireEvent.click(screen.getByTestId('redeem'));
  advanceClock(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  const again = sent.filter((s) => s.method === 'POST');
  expect(again).toHaveLength(2);
  expect(again[1].header['idempotency-key']).not.toBe(key);
});

it('says how many points are missing and keeps the confirm disabled', async () => {
  const sent = serve({ 'GET /api/benefits': { items: [benefit] }, 'GET /api/me/points': summary(120) });
  render(<BenefitsPage />);
  await settle();
  fireEvent.click(screen.getByTestId('redeem'));
  advanceClock(500);
  expect(screen.getByTestId('redeem-short').textContent).toBe('180 积分');
  const confirm = screen.getByTestId('sheet-confirm');
  expect(confirm.textContent).toBe('还差 180 积分');
  fireEvent.click(confirm);
  await settle();
  expect(sent.filter((s) => s.method === 'POST')).toHaveLength(0);
});

it('a refusal keeps the member on the sheet with the reason in their words', async () => {
  serve({
    'GET /api/benefits': { items: [benefit] },
    'GET /api/me/points': summary(1000),
    'POST /api/me/redemptions': { status: 409, body: { code: 'OUT_OF_STOCK', message: 'Out of stock' } },
  });
  render(<BenefitsPage />);
  await settle();
  fireEvent.click(screen.getByTestId('redeem'));
  advanceClock(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已兑完，下次早点来' }));
  expect(Taro.navigateTo).not.toHaveBeenCalled();
});

it('a shared benefit opens the mall on its sheet; the sheet shares that benefit with the invite code', async () => {
  setRouterParams({ benefit: '1' });
  serve({
    'GET /api/benefits': { items: [benefit] },
    'GET /api/me/points': summary(1000),
    'GET /api/me/referrals': { code: 'INV42' },
  });
  render(<BenefitsPage />);
  await settle();
  expect(screen.getByTestId('redeem-sheet')).toBeTruthy();
  const share = screen.getByText('分享给好友');
  const dataset = {
    shareTitle: share.getAttribute('data-share-title'),
    sharePage: share.getAttribute('data-share-page'),
  };
  expect(dataset.shareTitle).toBe('中杯咖啡兑换券｜300 积分兑');
  expect(callHandler('share', { from: 'button', target: { dataset } })).toEqual({
    title: '中杯咖啡兑换券｜300 积分兑',
    path: '/pages/benefits/index?benefit=1&ref=INV42',
  });
  // The menu's share is the mall itself.
  expect(callHandler('share', { from: 'menu' })).toEqual({
    title: '积分好礼等你兑换',
    path: '/pages/benefits/index?ref=INV42',
  });
});
