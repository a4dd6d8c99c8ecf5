import Taro from '@tarojs/taro';

/** Every page path in one place (must match app.config.ts). */
export const ROUTES = {
  card: '/pages/index/index',
  points: '/pages/points/index',
  benefits: '/pages/benefits/index',
  profile: '/pages/profile/index',
  checkin: '/member/checkin/index',
  vouchers: '/member/vouchers/index',
  invite: '/member/invite/index',
  messages: '/member/messages/index',
  tier: '/member/tier/index',
  tasks: '/member/tasks/index',
  privacy: '/member/privacy/index',
  settings: '/member/settings/index',
  confirm: '/member/confirm/index',
  membership: '/member/membership/index',
  staffLogin: '/staff/login/index',
  staffCheckout: '/staff/checkout/index',
  staffVoucher: '/staff/voucher/index',
  staffRefund: '/staff/refund/index',
  staffShift: '/staff/shift/index',
} as const;

const TABS: string[] = [ROUTES.card, ROUTES.points, ROUTES.benefits, ROUTES.profile];

/** Tab pages can only be opened with switchTab; everything else with navigateTo. */
export function go(url: string): void {
  const path = url.split('?')[0];
  if (TABS.includes(path)) void Taro.switchTab({ url: path });
  else void Taro.navigateTo({ url });
}
