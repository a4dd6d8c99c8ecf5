/**
 * Tab pages live in the main package (they open first and must be instant);
 * everything else is in sub-packages so the main package stays far below
 * WeChat's 2 MB limit. Staff pages are their own sub-package: members never
 * download them.
 */
export default defineAppConfig({
  pages: ['pages/index/index', 'pages/points/index', 'pages/benefits/index', 'pages/profile/index'],
  subPackages: [
    {
      root: 'member',
      pages: ['checkin/index', 'vouchers/index', 'invite/index', 'messages/index', 'tier/index', 'tasks/index'],
    },
    {
      root: 'staff',
      pages: ['login/index', 'checkout/index', 'voucher/index'],
    },
  ],
  // Members open the card first; the points tab is the next most visited.
  preloadRule: {
    'pages/index/index': { network: 'all', packages: ['member'] },
  },
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1f1f2e',
    navigationBarTitleText: '会员',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f5f7',
  },
  tabBar: {
    color: '#8a8a99',
    selectedColor: '#c8a063',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/index/index', text: '首页' },
      { pagePath: 'pages/points/index', text: '积分' },
      { pagePath: 'pages/benefits/index', text: '权益' },
      { pagePath: 'pages/profile/index', text: '我的' },
    ],
  },
});
