import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { advanceClock, loggedInMember, serve, settle } from '../http';
import CheckinPage from '../../src/member/checkin/index';
import BenefitsPage from '../../src/pages/benefits/index';
import TierPage from '../../src/member/tier/index';

/**
 * Subscribe prompts at their moments, each from a tap with the template ids
 * already loaded: after a check-in, after a redemption, on the tier page.
 */
const template = (key: string, allowance: number) => ({
  key,
  templateId: `TPL_${key.toUpperCase()}`,
  title: key,
  allowance,
  banned: false,
});
const templates = (allowance: number): ResponseFor<'getSubscriptions'> => ({
  templates: ['checkin_reminder', 'tier_changed', 'tier_at_risk', 'voucher_expiring', 'points_expiring'].map((k) =>
    template(k, allowance),
  ),
});
const wx = () => Taro.requestSubscribeMessage as unknown as jest.Mock;

beforeEach(() => {
  loggedInMember();
  wx().mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok' });
});

const checkinView: ResponseFor<'getCheckin'> = {
  today: '2024-11-24',
  checkedInToday: false,
  streak: 0,
  cycle: 'monthly',
  todayReward: { base: 10, bonus: 0, total: 10 },
  nextBonus: null,
  month: '2024-11',
  days: [],
  makeup: { costPoints: 30, remainingInCycle: 2, cards: 0 },
};
const checkedIn: ResponseFor<'checkin'> = {
  date: '2024-11-24',
  streak: 1,
  points: 10,
  base: 10,
  bonus: 0,
  balance: 10,
  replayed: false,
};

it('after a check-in offers tomorrow’s reminder, asked from its own tap', async () => {
  serve({
    'GET /api/me/checkin': checkinView,
    'POST /api/me/checkin': checkedIn,
    'GET /api/me/subscriptions': templates(0),
    'POST /api/me/subscriptions': templates(1),
  });
  render(<CheckinPage />);
  await settle();
  expect(screen.queryByTestId('subscribe-checkin')).toBeNull();
  fireEvent.click(screen.getByText('签到领 10 积分'));
  await settle();
  // The check-in tap itself asks nothing: its await on the network ends WeChat's tap window.
  expect(wx()).not.toHaveBeenCalled();
  fireEvent.click(screen.getByTestId('subscribe-checkin'));
  expect(wx()).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_CHECKIN_REMINDER'] }));
  await settle();
  // Answered: the offer goes away.
  expect(screen.queryByTestId('subscribe-checkin')).toBeNull();
});

it('does not offer the reminder when the member still has sends left', async () => {
  serve({
    'GET /api/me/checkin': checkinView,
    'POST /api/me/checkin': checkedIn,
    'GET /api/me/subscriptions': templates(2),
  });
  render(<CheckinPage />);
  await settle();
  fireEvent.click(screen.getByText('签到领 10 积分'));
  await settle();
  expect(screen.queryByTestId('subscribe-checkin')).toBeNull();
});

it('after a redemption asks for the expiry reminders from the modal’s button, then opens the vouchers', async () => {
  const benefit: ResponseFor<'listBenefits'>['items'][number] = {
    id: '1',
    title: '咖啡券',
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
  };
  serve({
    'GET /api/benefits': { items: [benefit], nextCursor: null },
    'GET /api/me/subscriptions': templates(0),
    'POST /api/me/subscriptions': templates(1),
    'POST /api/me/redemptions': {
      voucher: {
        id: '9',
        code: 'ABCDEFGH23456789',
        benefitId: '1',
        title: '咖啡券',
        status: 'unused',
        costPoints: 100,
        validUntil: '2024-12-24T15:59:59Z',
        redeemedAt: null,
        createdAt: '2024-11-24T02:00:00Z',
      },
      balance: 0,
      replayed: false,
    },
  });
  // The sheet confirms the redemption; the modal offers the reminders, confirmed through its callback.
  (Taro.showModal as jest.Mock).mockImplementationOnce((o: { success: (r: unknown) => void }) => {
    o.success({ confirm: true });
    return Promise.resolve({ confirm: true });
  });
  render(<BenefitsPage />);
  await settle();
  fireEvent.click(screen.getByText('兑换'));
  advanceClock(500);
  fireEvent.click(screen.getByTestId('sheet-confirm'));
  await settle();
  expect(wx()).toHaveBeenCalledTimes(1);
  expect(new Set(wx().mock.calls[0][0].tmplIds)).toEqual(new Set(['TPL_VOUCHER_EXPIRING', 'TPL_POINTS_EXPIRING']));
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/vouchers/index' });
});

it('asks for tier reminders from the 升级提醒 button', async () => {
  const tier = { code: 'gold', name: '金卡会员', minGrowth: 1000, multiplierPercent: 150, benefits: [] };
  serve({
    'GET /api/me/tier': {
      current: tier,
      since: '2024-01-01T00:00:00Z',
      growthInWindow: 2000,
      window: { months: 12, from: '2023-11-24T00:00:00Z' },
      next: null,
      keep: { minGrowth: 1000, needed: 0, atRisk: false, graceUntil: null },
      tiers: [tier],
      entries: [],
    },
    'GET /api/me/subscriptions': templates(3),
    'POST /api/me/subscriptions': templates(4),
  });
  render(<TierPage />);
  await settle();
  fireEvent.click(screen.getByTestId('subscribe-tier'));
  expect(new Set(wx().mock.calls[0][0].tmplIds)).toEqual(new Set(['TPL_TIER_CHANGED', 'TPL_TIER_AT_RISK']));
  await settle();
});
