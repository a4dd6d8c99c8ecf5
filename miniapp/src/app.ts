import type { PropsWithChildren } from 'react';
import Taro, { useDidShow, useLaunch } from '@tarojs/taro';
import { rememberRef } from './api/session';
import { refreshMemberTokenIfOld } from './api/auth';
import './app.scss';

/**
 * Registration starts at launch: a shared card or an invite poster opens the
 * app with `?ref=<code>` (or a scene for QR launches). It is kept in storage
 * until the first login carries it to POST /api/auth/login.
 */
function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    const query = (options?.query ?? {}) as Record<string, string | undefined>;
    rememberRef(query.ref ?? decodeScene(query.scene));
    // H5: the ref rides in the URL of the hash router.
    if (process.env.TARO_ENV === 'h5') rememberRef(Taro.getCurrentInstance()?.router?.params?.ref);
  });

  useDidShow(() => {
    // Best effort; a failure here surfaces later as a 401 and a re-login.
    refreshMemberTokenIfOld().catch(() => undefined);
  });

  return children;
}

/** Mini-program codes carry `scene=ref%3DABC` (one encoded query string). */
function decodeScene(scene: string | undefined): string | undefined {
  if (!scene) return undefined;
  const m = /(?:^|&)ref=([^&]+)/.exec(decodeURIComponent(scene));
  return m?.[1];
}

export default App;
