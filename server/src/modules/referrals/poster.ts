import type { PosterCode } from '@huiyuan/shared';
import type { z } from 'zod';
import { isDuplicateKey, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { WechatWxa } from '../wechat/wxa';
import { posterCodeOf, savePosterCode, type PosterCodeRow } from './store';

/** The page a poster code opens; the invite code rides in the scene. */
export const POSTER_PAGE = 'pages/index/index';
/** WeChat takes at most 32 visible characters of scene. */
export const MAX_SCENE = 32;
const PNG_SIGNATURE = '89504e470d0a1a0a';

/** The launch scene for an invite code: `r=<code>` (the mini-program also reads the older `ref=<code>`). */
export function posterScene(code: string): string {
  const scene = `r=${code}`;
  if (scene.length > MAX_SCENE) throw new RangeError('scene longer than WeChat allows');
  return scene;
}

/**
 * The mini-program code on a member's invite poster. Made through WeChat's
 * getwxacodeunlimit (quota-limited) the first time and kept in the database, so
 * asking again, on any instance, costs no call; made anew only when the scene,
 * page or mini-program version differs. A WeChat error is passed on and nothing
 * is kept.
 */
export class PosterCodes {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly inviteCodeIn: (q: Q, memberId: number, now: Date) => Promise<string>,
    private readonly wxa: Pick<WechatWxa, 'unlimitedCode'>,
    private readonly envVersion: 'release' | 'trial' | 'develop',
    private readonly width = 430,
  ) {}

  async get(memberId: number): Promise<z.infer<typeof PosterCode>> {
    const now = this.clock.now();
    const { code, kept } = await this.db.tx(async (q) => ({
      code: await this.inviteCodeIn(q, memberId, now),
      kept: await posterCodeOf(q, memberId),
    }));
    const scene = posterScene(code);
    if (kept && kept.scene === scene && kept.page === POSTER_PAGE && kept.env_version === this.envVersion)
      return view(kept);
    const png = await this.wxa.unlimitedCode({
      scene,
      page: POSTER_PAGE,
      envVersion: this.envVersion,
      width: this.width,
    });
    if (png.subarray(0, 8).toString('hex') !== PNG_SIGNATURE)
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat answered something that is not a PNG image');
    const row: PosterCodeRow = {
      scene,
      page: POSTER_PAGE,
      env_version: this.envVersion,
      png_base64: png.toString('base64'),
    };
    try {
      await this.db.tx((q) => savePosterCode(q, memberId, row, now.getTime()));
    } catch (err) {
      // A concurrent request for the same member kept its code first: this one is as good.
      if (!isDuplicateKey(err)) throw err;
    }
    return view(row);
  }
}

function view(r: PosterCodeRow): z.infer<typeof PosterCode> {
  return { scene: r.scene, page: r.page, contentType: 'image/png', base64: r.png_base64 };
}
