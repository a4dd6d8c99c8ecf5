/**
 * Tab pages live in the main package (they open first and must be instant);
 * everything else is in sub-packages so the main package stays far below
 * WeChat's 2 MB limit. Staff pages are their own sub-package: members never
 * download them.
 */
const tab = (pagePath: string, text: string, icon: string) => ({
  pagePath,
  text,
  iconPath: `assets/tab/${icon}.png`,
  selectedIconPath: `assets/tab/${icon}-active.png`,
});

export default defineAppConfig({
  pages: ['pages/index/index', 'pages/points/index', 'pages/benefits/index', 'pages/profile/index'],
  subPackages: [
    {
      root: 'member',
      pages: [
        'checkin/index',
        'vouchers/index',
        'invite/index',
        'messages/index',
        'tier/index',
        'tasks/index',
        'privacy/index',
        'settings/index',
        'confirm/index',
        'membership/index',
      ],
    },
    {
      root: 'staff',
      pages: ['login/index', 'checkout/index', 'voucher/index', 'refund/index', 'shift/index'],
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
  // WeChat's privacy flow: privacy-protected APIs wait for onNeedPrivacyAuthorization (src/privacy/consent.ts).
  __usePrivacyCheck__: true,
  style: 'v2',
  sitemapLocation: 'sitemap.json',
  // Only the components a page renders are loaded at start.
  lazyCodeLoading: 'requiredComponents',
  tabBar: {
    color: '#8a8a99',
    selectedColor: '#c8a063',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      // 81x81 PNGs drawn by scripts/tab-icons.mjs (npm run icons).
      tab('pages/index/index', '首页', 'card'),
      tab('pages/points/index', '积分', 'points'),
      tab('pages/benefits/index', '权益', 'benefits'),
      tab('pages/profile/index', '我的', 'profile'),
    ],
  },
});
