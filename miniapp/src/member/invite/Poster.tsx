import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Canvas, Image, Text, View } from '@tarojs/components';
import { getPosterCode } from '../../api/referrals';
import StateView from '../../components/StateView';
import { toastOk } from '../../utils/feedback';
import { POSTER, drawPoster, type PosterContent, type PosterContext } from './poster';
import { saveToAlbum } from './album';

const CANVAS_ID = 'invite-poster-canvas';
const weapp = () => process.env.TARO_ENV === 'weapp';

interface Surface {
  ctx: PosterContext;
  loadImage: (src: string) => Promise<unknown>;
  /** The drawn poster as a file (WeChat) or data URL (browser). */
  export: () => Promise<string>;
}

/** WeChat: the page's 2d canvas (kept off screen), its images, canvasToTempFilePath. */
async function weappSurface(): Promise<Surface> {
  const res = await new Promise<{ node?: Taro.Canvas }[]>((resolve) =>
    Taro.createSelectorQuery().select(`#${CANVAS_ID}`).fields({ node: true, size: true }).exec(resolve),
  );
  const canvas = res?.[0]?.node;
  if (!canvas) throw new Error('canvas not ready');
  canvas.width = POSTER.width;
  canvas.height = POSTER.height;
  const ctx = canvas.getContext('2d') as unknown as PosterContext;
  return {
    ctx,
    loadImage: (src) =>
      new Promise((resolve, reject) => {
        const img = canvas.createImage();
        img.onload = () => resolve(img);
        img.onerror = reject;
        img.src = src;
      }),
    export: async () => (await Taro.canvasToTempFilePath({ canvas, fileType: 'png' })).tempFilePath,
  };
}

/** Browser: a canvas element of its own and a data URL. */
function h5Surface(): Surface {
  const canvas = document.createElement('canvas');
  canvas.width = POSTER.width;
  canvas.height = POSTER.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  return {
    ctx: ctx as unknown as PosterContext,
    loadImage: (src) =>
      new Promise((resolve, reject) => {
        const img = new window.Image();
        img.onload = () => resolve(img);
        img.onerror = reject;
        img.src = src;
      }),
    export: async () => canvas.toDataURL('image/png'),
  };
}

/** The code image as something an image element can load: a file under the user data folder in WeChat. */
async function codeImageSource(base64: string, code: string): Promise<string> {
  if (!weapp()) return `data:image/png;base64,${base64}`;
  const filePath = `${Taro.env.USER_DATA_PATH}/invite-code-${code}.png`;
  await new Promise<void>((resolve, reject) =>
    Taro.getFileSystemManager().writeFile({
      filePath,
      data: base64,
      encoding: 'base64',
      success: () => resolve(),
      fail: (e) => reject(new Error(e.errMsg)),
    }),
  );
  return filePath;
}

type State =
  { step: 'idle' } | { step: 'drawing' } | { step: 'ready'; src: string } | { step: 'error'; error: unknown };

/**
 * The invite poster: the member's mini-program code from the server, drawn
 * with the brand colours, the inviter's nickname and the reward, exported as an
 * image and saved to the photo album (the permission asked when needed).
 */
export default function Poster({ content }: { content: PosterContent }) {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [saving, setSaving] = useState(false);
  const [denied, setDenied] = useState(false);

  const make = async () => {
    setState({ step: 'drawing' });
    try {
      const code = await getPosterCode();
      const surface = weapp() ? await weappSurface() : h5Surface();
      const image = await surface.loadImage(await codeImageSource(code.base64, content.code));
      drawPoster(surface.ctx, image, content);
      setState({ step: 'ready', src: await surface.export() });
    } catch (e) {
      setState({ step: 'error', error: e });
    }
  };

  const save = async (src: string) => {
    if (!weapp()) {
      // A browser saves through a download link (long-press on phones works on the image too).
      const a = document.createElement('a');
      a.href = src;
      a.download = `invite-${content.code}.png`;
      a.click();
      return;
    }
    setSaving(true);
    try {
      const r = await saveToAlbum(src);
      setDenied(r === 'denied');
      if (r === 'saved') toastOk('已保存到相册');
      else if (r === 'failed') void Taro.showToast({ title: '保存失败，请稍后再试', icon: 'none' });
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className="invite__poster" data-testid="invite-poster">
      {weapp() && (
        <Canvas type="2d" id={CANVAS_ID} className="invite__canvas" style={{ width: '375px', height: '600px' }} />
      )}
      {state.step === 'idle' && (
        <Button className="btn-primary invite__share" onClick={() => void make()} data-testid="poster-make">
          生成邀请海报
        </Button>
      )}
      <StateView
        loading={state.step === 'drawing'}
        loadingText="正在生成海报…"
        error={state.step === 'error' ? state.error : undefined}
        onRetry={() => void make()}
      >
        {state.step === 'ready' && (
          <>
            <Image className="invite__poster-image" src={state.src} mode="widthFix" showMenuByLongpress />
            <Button
              className="btn-primary invite__share"
              // undefined, not false: the browser build renders disabled="false" as disabled.
              loading={saving || undefined}
              disabled={saving || undefined}
              onClick={() => void save(state.src)}
              data-testid="poster-save"
            >
              {weapp() ? '保存到相册' : '下载海报'}
            </Button>
            {denied && (
              <View className="invite__denied">
                <Text className="muted">未获得相册权限，海报没有保存。可开启“保存到相册”后再试。</Text>
                <Button size="mini" openType="openSetting" onOpenSetting={() => setDenied(false)}>
                  去设置
                </Button>
              </View>
            )}
          </>
        )}
      </StateView>
    </View>
  );
}
