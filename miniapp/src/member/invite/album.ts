import Taro from '@tarojs/taro';

export type SaveOutcome = 'saved' | 'cancelled' | 'denied' | 'failed';

const SCOPE = 'scope.writePhotosAlbum';
const errMsg = (e: unknown) =>
  String((e as { errMsg?: string; message?: string })?.errMsg ?? (e as Error)?.message ?? e);

/**
 * Explains why the album permission is needed and offers WeChat's settings
 * page. openSetting is called from the modal's own callback: WeChat accepts it
 * only in answer to a tap. Resolves true when the member turned it on there.
 */
export function explainAndOpenSetting(): Promise<boolean> {
  return new Promise((resolve) => {
    void Taro.showModal({
      title: '需要相册权限',
      content: '保存邀请海报需要“保存到相册”权限。你之前拒绝了该权限，可在设置中开启后再保存。',
      confirmText: '去设置',
      cancelText: '暂不',
      success: (r) => {
        if (!r.confirm) return resolve(false);
        void Taro.openSetting({
          success: (s) => resolve(s.authSetting?.[SCOPE] === true),
          fail: () => resolve(false),
        });
      },
      fail: () => resolve(false),
    });
  });
}

/**
 * Saves an image file to the photo album: asks for `scope.writePhotosAlbum`
 * the first time; once refused, WeChat never asks again, so the member is told
 * why and offered the settings page, then the save is tried again.
 */
export async function saveToAlbum(filePath: string): Promise<SaveOutcome> {
  const setting = await Taro.getSetting().catch(() => ({ authSetting: {} as Record<string, boolean> }));
  const granted = (setting.authSetting as Record<string, boolean | undefined>)[SCOPE];
  if (granted === false) {
    if (!(await explainAndOpenSetting())) return 'denied';
  } else if (granted === undefined) {
    try {
      await Taro.authorize({ scope: SCOPE });
    } catch {
      if (!(await explainAndOpenSetting())) return 'denied';
    }
  }
  try {
    await Taro.saveImageToPhotosAlbum({ filePath });
    return 'saved';
  } catch (e) {
    const msg = errMsg(e);
    if (/cancel/i.test(msg)) return 'cancelled';
    if (/auth|deny|permission/i.test(msg)) return (await explainAndOpenSetting()) ? saveToAlbum(filePath) : 'denied';
    return 'failed';
  }
}
