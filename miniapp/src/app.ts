import type { PropsWithChildren } from 'react';
import Taro, { useDidShow, useLaunch } from '@tarojs/taro';
import { rememberRef } from './api/session';
import { refreshMemberTokenIfOld } from './api/auth';
import { refFromLaunch } from './utils/launch';
import { installPrivacyHandler } from './privacy/consent';
import { loadBrand } from './api/brand';
import './app.scss';

/**
 * Registration starts at launch: a shared page opens the app with `?ref=<code>`,
 * an invite poster's mini-program code with `scene=r%3D<code>`. The code is kept
 * in storage until the first login carries it to POST /api/auth/login.
 */
function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    rememberRef(refFromLaunch(options));
    // H5: the ref rides in the URL of the hash router.
    if (process.env.TARO_ENV === 'h5') rememberRef(Taro.getCurrentInstance()?.router?.params?.ref);
    // WeChat asks before the first privacy-protected API (phone, album, clipboard);
    // absent on H5 and older base libraries, where nothing is asked.
    installPrivacyHandler();
    // The operator's colours: pages repaint when they arrive (ui/Page); the tab bar follows the accent.
    void loadBrand().then((b) => Taro.setTabBarStyle?.({ selectedColor: b.accentColor })?.catch?.(() => undefined));
  });

  useDidShow((options?: unknown) => {
    // A share opened while the app was in the background shows it again instead of launching it.
    rememberRef(refFromLaunch(options));
    // Best effort; a failure here surfaces later as a 401 and a re-login.
    refreshMemberTokenIfOld().catch(() => undefined);
  });

  return children;
}

export default App;
