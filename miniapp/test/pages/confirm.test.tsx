import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { advanceClock, cardResponse, loggedInMember, serve, settle } from '../http';
import ConfirmPage from '../../src/member/confirm/index';
import CardPage from '../../src/pages/index/index';
import { messageRoute } from '../../src/domain/messageRoute';

const ID = 'a'.repeat(32);
const NOW = new Date().toISOString();
const ask = (over: Partial<ResponseFor<'listConfirmations'>['items'][number]> = {}) => ({
  id: ID,
  storeName: '静安店',
  confirm: 'member_confirm' as const,
  code: null,
  expiresAt: new Date(Date.now() + 100_000).toISOString(),
  purpose: 'lookup' as 'lookup' | 'redeem',
  points: null as number | null,
  discountCents: null as number | null,
  amountCents: null as number | null,
  ...over,
});

beforeEach(loggedInMember);

describe('member confirmation of a counter lookup', () => {
  it('confirms only through the sheet, after its tap guard, once', async () => {
    let open = [ask()];
    const sent = serve({
      'GET /api/me/confirmations': () => ({ items: open }),
      [`POST /api/me/confirmations/${ID}/confirm`]: () => {
        open = [];
        return { id: ID, status: 'confirmed' };
      },
    });
    render(<ConfirmPage />);
    await settle();
    expect(screen.getByTestId('confirm-request').textContent).toContain('静安店');
    fireEvent.click(screen.getByTestId('confirm-open'));
    // The tap that opened the sheet (or a second one right after) does not confirm.
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
    advanceClock(500);
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    await settle();
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.path)).toEqual([`/api/me/confirmations/${ID}/confirm`]);
    expect(screen.getByTestId('confirm-done').textContent).toContain('已确认是本人');
    expect(screen.queryByTestId('confirm-request')).toBeNull();
    expect(screen.queryByTestId('confirm-sheet')).toBeNull();
  });

  it('refuses without a sheet, and shows the code when the clerk types it', async () => {
    const sent = serve({
      'GET /api/me/confirmations': { items: [ask({ confirm: 'member_code', code: '042917' })] },
      [`POST /api/me/confirmations/${ID}/reject`]: { id: ID, status: 'rejected' },
    });
    render(<ConfirmPage />);
    await settle();
    expect(screen.getByTestId('confirm-code').textContent).toBe('042917');
    expect(screen.queryByTestId('confirm-open')).toBeNull();
    fireEvent.click(screen.getByTestId('confirm-reject'));
    await settle();
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.path)).toEqual([`/api/me/confirmations/${ID}/reject`]);
    expect(screen.getByTestId('confirm-done').textContent).toContain('已拒绝');
  });

  it('a lapsed request says so and the list is asked again', async () => {
    let calls = 0;
    serve({
      'GET /api/me/confirmations': () => ({ items: calls++ === 0 ? [ask()] : [] }),
      [`POST /api/me/confirmations/${ID}/confirm`]: {
        status: 404,
        body: { code: 'LOOKUP_NOT_FOUND', message: 'x' },
      },
    });
    render(<ConfirmPage />);
    await settle();
    fireEvent.click(screen.getByTestId('confirm-open'));
    advanceClock(500);
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    await settle();
    expect(Taro.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '确认请求不存在或已过期，请重新发起' }),
    );
    expect(screen.getByTestId('state-empty').textContent).toContain('暂无待确认的请求');
  });

  it('the card shows a waiting request and leads to the confirm page; a message does too', async () => {
    const sent = serve({
      'GET /api/me/card/pulse': { balance: 0, pendingPoints: 0, confirmations: [ask()], serverTime: NOW },
      'GET /api/me/card': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
      'GET /api/me/tier': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
    });
    render(<CardPage />);
    await settle();
    // Shown even when the card itself fails to load: the member may be at the counter without a code.
    expect(screen.getByTestId('card-confirm').textContent).toContain('静安店 正在确认您的会员身份');
    // One poll brings both the balance and the requests: the card asks for nothing else.
    expect(sent.filter((s) => s.path === '/api/me/confirmations')).toEqual([]);
    fireEvent.click(screen.getByTestId('card-confirm'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/confirm/index' });
    expect(messageRoute({ kind: 'lookup_request', page: 'member/confirm/index' })).toBe('/member/confirm/index');
    expect(messageRoute({ kind: 'gift_granted', page: null })).toBe('/member/vouchers/index');
  });
});

it('the card says how many points are pending', async () => {
  serve({
    'GET /api/me/card/pulse': { balance: 500, pendingPoints: 1200, confirmations: [], serverTime: NOW },
    'GET /api/me/card': cardResponse({ balance: 500, pendingPoints: 1200 }),
    'GET /api/me/tier': { status: 500, body: { code: 'INTERNAL', message: 'x' } },
  });
  render(<CardPage />);
  await settle();
  expect(screen.getByTestId('tier-card-pending').textContent).toBe('1,200 积分待到账');
  expect(screen.queryByTestId('card-confirm')).toBeNull();
});

it('a redeem request shows the points, the discount and the amount, and is agreed to through the sheet', async () => {
  const sent = serve({
    'GET /api/me/confirmations': {
      items: [ask({ purpose: 'redeem', points: 1500, discountCents: 1500, amountCents: 8800 })],
    },
    [`POST /api/me/confirmations/${ID}/confirm`]: { id: ID, status: 'confirmed' },
  });
  render(<ConfirmPage />);
  await settle();
  const text = screen.getByTestId('confirm-redeem').textContent;
  expect(text).toContain('1,500');
  expect(text).toContain('¥15.00');
  expect(text).toContain('¥88.00');
  fireEvent.click(screen.getByTestId('confirm-open'));
  expect(screen.getByTestId('confirm-sheet').textContent).toContain('使用 1,500 积分抵扣 ¥15.00');
  advanceClock(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(sent.filter((s) => s.method === 'POST')).toHaveLength(1);
  expect(screen.getByTestId('confirm-done').textContent).toContain('已同意使用积分');
});
