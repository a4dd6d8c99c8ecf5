import Taro from '@tarojs/taro';
import { POSTER, drawPoster, posterName, rewardText, wrapText, type PosterContext } from './poster';
import { saveToAlbum } from './album';

/** A context that records what was written and drawn; every character is 10 px wide. */
function recorder() {
  const texts: string[] = [];
  const images: unknown[][] = [];
  const ctx = {
    fillStyle: '' as unknown,
    font: '',
    textAlign: '',
    textBaseline: '',
    fillRect: jest.fn(),
    fillText: (t: string) => void texts.push(t),
    measureText: (t: string) => ({ width: [...t].length * 10 }),
    drawImage: (...a: unknown[]) => void images.push(a),
    beginPath: jest.fn(),
    moveTo: jest.fn(),
    arcTo: jest.fn(),
    closePath: jest.fn(),
    fill: jest.fn(),
    createLinearGradient: () => ({ addColorStop: jest.fn() }),
  } satisfies PosterContext;
  return { ctx, texts, images };
}

describe('invite poster drawing', () => {
  it('names the inviter, the reward and the code, and draws the mini-program code inside the poster', () => {
    const { ctx, texts, images } = recorder();
    const code = { id: 'img' };
    drawPoster(ctx, code, { nickname: '小王', rewardText: '扫码入会，即得 50 积分', code: 'INV42' });
    expect(texts).toEqual(expect.arrayContaining(['小王 邀请你入会', '扫码入会，即得 50 积分', '邀请码 INV42']));
    expect(images).toHaveLength(1);
    const [img, x, y, w, h] = images[0] as [unknown, number, number, number, number];
    expect(img).toBe(code);
    expect(x >= 0 && y >= 0 && x + w <= POSTER.width && y + h <= POSTER.height).toBe(true);
  });

  it('says who invites even without a nickname, and shortens long ones', () => {
    expect(posterName(null)).toBe('你的好友');
    expect(posterName('  ')).toBe('你的好友');
    expect(posterName('一二三四五六七八九十壹贰叁')).toBe('一二三四五六七八九十壹…');
  });

  it('words the reward for the friend who sees the poster', () => {
    expect(rewardText({ inviteePoints: 50, trigger: 'registration' })).toBe('扫码入会，即得 50 积分');
    expect(rewardText({ inviteePoints: 80, trigger: 'first_purchase' })).toBe('入会并首次消费，即得 80 积分');
    expect(rewardText({ inviteePoints: 0, trigger: 'registration' })).toBe('扫码入会，享会员专属礼遇');
  });

  it('wraps text by width and marks what did not fit', () => {
    const { ctx } = recorder();
    expect(wrapText(ctx, '一二三四五', 30)).toEqual(['一二三', '四五']);
    expect(wrapText(ctx, '一二三四五六七八', 30)).toEqual(['一二三', '四五…']);
  });
});

describe('saving to the photo album', () => {
  it('asks for the permission the first time, then saves', async () => {
    expect(await saveToAlbum('/tmp/p.png')).toBe('saved');
    expect(Taro.authorize).toHaveBeenCalledWith({ scope: 'scope.writePhotosAlbum' });
    expect(Taro.saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: '/tmp/p.png' });
  });

  it('once refused, explains and offers the settings page; saves when turned on there', async () => {
    (Taro.getSetting as jest.Mock).mockResolvedValueOnce({ authSetting: { 'scope.writePhotosAlbum': false } });
    (Taro.showModal as jest.Mock).mockImplementationOnce((o: { success: (r: unknown) => void }) => {
      o.success({ confirm: true });
      return Promise.resolve({ confirm: true });
    });
    (Taro.openSetting as jest.Mock).mockImplementationOnce((o: { success: (r: unknown) => void }) =>
      o.success({ authSetting: { 'scope.writePhotosAlbum': true } }),
    );
    expect(await saveToAlbum('/tmp/p.png')).toBe('saved');
    expect(Taro.authorize).not.toHaveBeenCalled();
    expect(Taro.openSetting).toHaveBeenCalledTimes(1);
  });

  it('does not save when the member keeps the permission off', async () => {
    (Taro.authorize as jest.Mock).mockRejectedValueOnce({ errMsg: 'authorize:fail auth deny' });
    (Taro.showModal as jest.Mock).mockImplementationOnce((o: { success: (r: unknown) => void }) => {
      o.success({ confirm: false });
      return Promise.resolve({ confirm: false });
    });
    expect(await saveToAlbum('/tmp/p.png')).toBe('denied');
    expect(Taro.saveImageToPhotosAlbum).not.toHaveBeenCalled();
  });
});
