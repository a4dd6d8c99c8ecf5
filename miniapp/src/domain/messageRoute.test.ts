import { messageRoute } from './messageRoute';

it('opens the page the server named when this build has it', () => {
  expect(messageRoute({ kind: 'tier_changed', page: 'member/tier/index' })).toBe('/member/tier/index');
  expect(messageRoute({ kind: 'points_expiring', page: 'pages/points/index' })).toBe('/pages/points/index');
  expect(messageRoute({ kind: 'voucher_expiring', page: '/member/vouchers/index?x=1' })).toBe('/member/vouchers/index');
});

it('falls back to the kind when the page is missing or unknown, and never to a staff page', () => {
  expect(messageRoute({ kind: 'referral_reward', page: null })).toBe('/member/invite/index');
  expect(messageRoute({ kind: 'churn_wakeup', page: 'pages/gone/index' })).toBe('/pages/benefits/index');
  expect(messageRoute({ kind: 'voucher_expiring', page: 'staff/voucher/index' })).toBe('/member/vouchers/index');
  expect(messageRoute({ kind: 'something_new', page: null })).toBeNull();
  expect(messageRoute({ kind: 'something_new', page: 'staff/checkout/index' })).toBeNull();
});

it('a check-in reminder opens the check-in page', () => {
  expect(messageRoute({ kind: 'checkin_reminder', page: 'pages/index/index' })).toBe('/member/checkin/index');
});
