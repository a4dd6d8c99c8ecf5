import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { advanceClock, loggedInMember, serve, settle } from '../http';
import CheckinPage, { makeUpText } from '../../src/member/checkin/index';
import BenefitsPage from '../../src/pages/benefits/index';
import VouchersPage from '../../src/member/vouchers/index';
import MessagesPage from '../../src/member/messages/index';
import InvitePage from '../../src/member/invite/index';

/**
 * The member pages against answers in the server's own shapes: every fixture is
 * typed by shared's endpoint table, so a change of shape there fails the
 * typecheck here before it can fail on a phone.
 */
beforeEach(loggedInMember);

const day = (date: string, over: Partial<ResponseFor<'getCheckin'>['days'][number]> = {}) => ({
  date,
  checked: false,
  kind: null,
  points: 0,
  canMakeUp: false,
  ...over,
});

describe('check-in', () => {
  const view: ResponseFor<'getCheckin'> = {
    today: '2024-11-24',
    checkedInToday: false,
    streak: 3,
    cycle: 'monthly',
    todayReward: { base: 10, bonus: 5, total: 15 },
    nextBonus: { day: 5, bonus: 20, inDays: 2 },
    month: '2024-11',
    days: [
      day('2024-11-21', { canMakeUp: true }),
      day('2024-11-22', { checked: true, kind: 'makeup', points: 10 }),
      day('2024-11-23', { checked: true, kind: 'normal', points: 10 }),
      day('2024-11-24'),
    ],
    makeup: { costPoints: 30, remainingInCycle: 2, cards: 1 },
  };
  const done: ResponseFor<'checkin'> = {
    date: '2024-11-24',
    streak: 4,
    points: 15,
    base: 10,
    bonus: 5,
    balance: 115,
    replayed: false,
  };

  it('shows the streak, the next bonus, made-up days and what a make-up costs', async () => {
    serve({ 'GET /api/me/checkin': view });
    render(<CheckinPage />);
    await settle();
    const text = document.body.textContent!;
    expect(text).toContain('已连续签到 3 天');
    expect(text).toContain('再签 2 天，额外奖励 20 积分');
    expect(text).toContain('签到领 15 积分');
    expect(text).toContain('本期剩余 2 次；每次 30 积分，或用补签卡（持有 1 张）');
    expect(screen.getAllByText('补')).toHaveLength(1);
  });

  it('checks in under an operation named after the business date and shows the bonus', async () => {
    const sent = serve({ 'GET /api/me/checkin': view, 'POST /api/me/checkin': done });
    render(<CheckinPage />);
    await settle();
    fireEvent.click(screen.getByText('签到领 15 积分'));
    await settle();
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.path).toBe('/api/me/checkin');
    expect(post.header['idempotency-key']).toBeTruthy();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到成功 +15，连续签到奖励 +5' }));
  });

  it('makes up a missed day with a make-up card when the member holds one', async () => {
    const made: ResponseFor<'makeup'> = {
      date: '2024-11-21',
      points: 10,
      paidPoints: 0,
      paidCards: 1,
      balance: 110,
      streak: 1,
      replayed: false,
    };
    const sent = serve({ 'GET /api/me/checkin': view, 'POST /api/me/checkin/makeup': made });
    render(<CheckinPage />);
    await settle();
    fireEvent.click(screen.getByText('21'));
    expect(screen.getByTestId('makeup-cost').textContent).toBe('补签 11月21日，使用 1 张补签卡（剩 1 张）');
    advanceClock(500);
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    await settle();
    expect(sent.find((s) => s.method === 'POST')!.data).toEqual({ date: '2024-11-21', payWith: 'card' });
    expect(Taro.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '补签成功，使用 1 张补签卡，获得 10 积分' }),
    );
  });
});

it('a make-up paid with points says what it cost and what it gave', () => {
  expect(makeUpText({ paidPoints: 30, paidCards: 0, points: 10, replayed: false })).toBe(
    '补签成功，消耗 30 积分，获得 10 积分',
  );
  expect(makeUpText({ paidPoints: 30, paidCards: 0, points: 10, replayed: true })).toBe('这一天已经补签过了');
});

it('the calendar has a weekday header and puts day 1 under its weekday', async () => {
  const dec: ResponseFor<'getCheckin'> = {
    today: '2026-12-03',
    checkedInToday: false,
    streak: 1,
    cycle: 'monthly',
    todayReward: { base: 10, bonus: 0, total: 10 },
    nextBonus: null,
    month: '2026-12',
    days: [
      day('2026-12-01', { canMakeUp: true }),
      day('2026-12-02', { checked: true, kind: 'normal', points: 10 }),
      day('2026-12-03'),
    ],
    makeup: { costPoints: 30, remainingInCycle: 2, cards: 0 },
  };
  serve({ 'GET /api/me/checkin': dec });
  render(<CheckinPage />);
  await settle();
  const cal = screen.getByTestId('checkin-calendar');
  expect(
    Array.from(cal.querySelectorAll('.calendar__weekday'))
      .map((w) => w.textContent)
      .join(''),
  ).toBe('日一二三四五六');
  const cells = Array.from(cal.querySelectorAll('.calendar__cell'));
  // 1 December 2026 is a Tuesday: two blank cells, then day 1 in the third column.
  expect(cells.slice(0, 2).every((c) => c.className.includes('is-blank'))).toBe(true);
  expect(cells[2].getAttribute('data-testid')).toBe('day-2026-12-01');
  expect(screen.getByTestId('day-2026-12-01').textContent).toBe('1补签');
  expect(screen.getByTestId('day-2026-12-02').textContent).toBe('2+10');
  expect(screen.getByTestId('day-2026-12-03').className).toContain('is-today');
  expect(screen.getByTestId('day-2026-12-04').textContent).toBe('4+10');
  fireEvent.click(screen.getByTestId('day-2026-12-01'));
  expect(screen.getByTestId('makeup-cost').textContent).toBe('补签 12月1日，消耗 30 积分');
});

describe('points mall', () => {
  const benefit = (
    id: string,
    over: Partial<ResponseFor<'listBenefits'>['items'][number]> = {},
  ): ResponseFor<'listBenefits'>['items'][number] => ({
    id,
    title: `权益${id}`,
    description: '',
    kind: 'voucher',
    costPoints: 100,
    stockLeft: 10,
    perMemberLimit: 0,
    myRemaining: null,
    minTier: null,
    locked: false,
    validity: { days: 30, until: null },
    visibleUntil: null,
    memberDayOnly: false,
    imageUrl: null,
    ...over,
  });
  const voucher: ResponseFor<'redeem'>['voucher'] = {
    id: '9',
    code: 'ABCDEFGH23456789',
    benefitId: '1',
    title: '权益1',
    status: 'unused',
    costPoints: 100,
    validUntil: '2024-12-24T15:59:59Z',
    redeemedAt: null,
    createdAt: '2024-11-24T02:00:00Z',
  };

  it('says why a benefit cannot be redeemed, and redeems one after asking', async () => {
    const sent = serve({
      'GET /api/benefits': {
        items: [
          benefit('1'),
          benefit('2', { stockLeft: 0 }),
          benefit('3', { perMemberLimit: 1, myRemaining: 0 }),
          benefit('4', { locked: true, minTier: { code: 'gold', name: '金卡' } }),
        ],
      } satisfies ResponseFor<'listBenefits'>,
      'POST /api/me/redemptions': { voucher, balance: 400, replayed: false } satisfies ResponseFor<'redeem'>,
    });
    render(<BenefitsPage />);
    await settle();
    const cards = screen.getAllByTestId('benefit').map((b) => b.textContent);
    expect(cards[0]).toContain('100 积分');
    expect(cards[0]).toContain('剩余 10');
    expect(cards[1]).toContain('已兑完');
    expect(cards[2]).toContain('已达兑换上限');
    expect(cards[3]).toContain('金卡及以上可兑');
    fireEvent.click(screen.getByText('兑换'));
    expect(sent.some((s) => s.method === 'POST')).toBe(false);
    advanceClock(500);
    fireEvent.click(screen.getByTestId('sheet-confirm'));
    await settle();
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.data).toEqual({ benefitId: '1' });
    expect(post.header['idempotency-key']).toBeTruthy();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/vouchers/index' });
  });
});

describe('my vouchers', () => {
  const v = (over: Partial<ResponseFor<'listVouchers'>['items'][number]>) => ({
    id: '9',
    code: 'ABCDEFGH23456789',
    benefitId: '1',
    title: '新品蛋糕',
    status: 'unused' as const,
    costPoints: 100,
    validUntil: '2024-12-24T15:59:59Z',
    redeemedAt: null,
    createdAt: '2024-11-24T02:00:00Z',
    ...over,
  });

  it('lists unused vouchers first, opens one for scanning, and shows used ones by status', async () => {
    const sent = serve({
      'GET /api/me/vouchers': (s: { query: string }) =>
        ({
          items: s.query.includes('status=used')
            ? [v({ id: '8', status: 'used', redeemedAt: '2024-11-25T04:00:00Z' })]
            : [v({})],
          nextCursor: null,
        }) satisfies ResponseFor<'listVouchers'>,
    });
    render(<VouchersPage />);
    await settle();
    expect(sent[0].query).toContain('status=unused');
    expect(document.body.textContent).toContain('有效期至 2024-12-24');
    fireEvent.click(screen.getByText('去使用 ›'));
    expect(screen.getByTestId('member-code-digits').textContent).toBe('ABCD EFGH 2345 6789');
    fireEvent.click(screen.getByText('已使用'));
    await settle();
    expect(document.body.textContent).toContain('2024-11-25 已在门店使用');
  });
});

describe('messages', () => {
  it('marks unread messages, and one as read when opened, going to its page', async () => {
    const page: ResponseFor<'listMessages'> = {
      items: [
        {
          id: '2',
          kind: 'tier_changed',
          title: '会员等级升级',
          body: '恭喜',
          page: 'member/tier/index',
          read: false,
          createdAt: '2024-11-24T02:00:00Z',
        },
        {
          id: '1',
          kind: 'points',
          title: '积分到账',
          body: '+10',
          page: null,
          read: true,
          createdAt: '2024-11-23T02:00:00Z',
        },
      ],
      nextCursor: null,
      unread: 1,
    };
    const sent = serve({ 'GET /api/me/messages': page, 'POST /api/me/messages/2/read': { unread: 0 } });
    render(<MessagesPage />);
    await settle();
    expect(screen.getByText('全部已读')).toBeTruthy();
    expect(document.querySelectorAll('.is-unread')).toHaveLength(1);
    fireEvent.click(screen.getByText('会员等级升级'));
    await settle();
    expect(sent.some((s) => s.method === 'POST' && s.path === '/api/me/messages/2/read')).toBe(true);
    expect(document.querySelectorAll('.is-unread')).toHaveLength(0);
    // An upgrade message opens the tier page.
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/tier/index' });
  });
});

describe('invite', () => {
  it('shows the invite count, points earned, milestones and each invitee', async () => {
    const view: ResponseFor<'getReferrals'> = {
      code: 'INV42',
      sharePath: '/pages/index/index?ref=INV42',
      rules: { inviterPoints: 50, inviteePoints: 50, trigger: 'registration', refundWindowDays: 7 },
      successful: 2,
      milestone: { every: 2, bonus: 100, nextAt: 4, remaining: 2 },
      invitees: [
        { maskedName: '李*', status: 'rewarded', registeredAt: '2024-11-20T02:00:00Z' },
        { maskedName: '王*', status: 'registered', registeredAt: '2024-11-21T02:00:00Z' },
      ],
      invitedBy: null,
    };
    serve({ 'GET /api/me/referrals': view });
    render(<InvitePage />);
    await settle();
    const text = document.body.textContent!;
    expect(text).toContain('已邀请 2 位好友');
    expect(text).toContain('累计获得 100 积分 · 邀请码 INV42');
    expect(text).toContain('邀请 2 人额外 100 积分');
    expect(text).toContain('邀请 4 人额外 100 积分');
    expect(text).toContain('2024-11-20 入会 · 已奖励');
    expect(text).toContain('2024-11-21 入会');
    expect(text).not.toContain('2024-11-21 入会 · 已奖励');
    expect(document.querySelectorAll('.is-reached')).toHaveLength(1);
  });
});
