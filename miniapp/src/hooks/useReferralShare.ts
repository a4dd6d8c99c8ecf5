import { useEffect, useState } from 'react';
import { useShareAppMessage } from '@tarojs/taro';
import { myReferralCode, sharePath } from '../api/referrals';

/**
 * The share menu of a page: the shared card opens `page` with the member's
 * invite code as `?ref=`, so a friend who registers from it counts as invited.
 * The page config must set enableShareAppMessage. Returns the code (null until
 * known, or in the browser, which has no share menu) for a timeline share too.
 */
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
  useShareAppMessage(() => ({ title, path: sharePath(code, page) }));
  return code;
}
