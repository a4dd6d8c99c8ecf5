import { useEffect, useState } from 'react';
import { useShareAppMessage } from '@tarojs/taro';
import { myReferralCode, sharePath } from '../api/referrals';

/**
 * The share menu of a page: the shared card opens `page` with the member's
 * invite code as `?ref=`, so a friend who registers from it counts as invited.
 * The page config must set enableShareAppMessage. Returns the code (null until
 * known, or in the browser, which has no share menu) for a timeline share too.
 * A share button on the page (`openType="share"`) may name what it shares with
 * `data-share-title` and `data-share-page` (a benefit in the mall, say); the
 * invite code rides along the same way.
 */
interface ShareData {
  shareTitle?: string;
  sharePage?: string;
}

export function useReferralShare(title: string, page: string): string | null {
  const [code, setCode] = useState<string | null>(null);
  useEffect(() => {
    if (process.env.TARO_ENV === 'h5') return;
    let live = true;
    // Without a code the share still works, it just counts for nobody.
    myReferralCode().then(
      (c) => live && setCode(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  useShareAppMessage((res) => {
    const data = res.from === 'button' ? (res.target as { dataset?: ShareData } | undefined)?.dataset : undefined;
    if (data?.shareTitle && data.sharePage) return { title: data.shareTitle, path: sharePath(code, data.sharePage) };
    return { title, path: sharePath(code, page) };
  });
  return code;
}
