import { AppError } from '../../core/errors';
import { noMetrics, wechatResult, type Metrics } from '../../core/metrics';
import type { WechatConfig } from './client';
import type { WechatMessages } from './messages';

/**
 * WeChat's mini-program APIs that take the access token: the member's phone
 * number from a getPhoneNumber code, and the unlimited mini-program code. The
 * token comes from `WechatMessages` (shared by every instance, refreshed once at
 * a time); a refused token (40001/42001) takes the same forced-refresh path as a
 * subscribe send and the call is made once more. The token and the phone code
 * never go into an error or a log line: errors carry WeChat's errcode only.
 */
export interface WechatPhone {
  /** The number without country code, e.g. 13800138000. */
  purePhoneNumber: string;
  countryCode: string;
}

export interface UnlimitedCodeRequest {
  scene: string;
  page: string;
  envVersion: 'release' | 'trial' | 'develop';
  width: number;
}

/** The mini-program version a code opens, from the subscribe-message state of the same deployment. */
export const ENV_VERSION = { formal: 'release', trial: 'trial', developer: 'develop' } as const;

type Answer = { kind: 'json'; body: Record<string, unknown> } | { kind: 'png'; bytes: Buffer };

export class WechatWxa {
  constructor(
    private readonly cfg: WechatConfig,
    private readonly tokens: Pick<WechatMessages, 'accessToken'>,
    private readonly metrics: Metrics = noMetrics,
  ) {}

  /**
   * Exchanges a getPhoneNumber code for the member's number. `openid` makes
   * WeChat check that the code belongs to this member. 40029 (invalid, expired
   * or used code) is PHONE_CODE_INVALID; a busy or unreachable WeChat is
   * WECHAT_UNAVAILABLE.
   */
  async phoneNumber(code: string, openid: string): Promise<WechatPhone> {
    const answer = await this.post('/wxa/business/getuserphonenumber', { code, openid });
    const body = answer.kind === 'json' ? answer.body : {};
    const errcode = Number(body.errcode ?? (answer.kind === 'png' ? -1 : 0));
    const info = body.phone_info as { purePhoneNumber?: unknown; countryCode?: unknown } | undefined;
    if (errcode === 0 && info && typeof info.purePhoneNumber === 'string' && info.purePhoneNumber)
      return { purePhoneNumber: info.purePhoneNumber, countryCode: String(info.countryCode ?? '') };
    if (errcode === 40029 || errcode === 40163) throw new AppError('PHONE_CODE_INVALID');
    if (errcode === 45011) throw new AppError('WECHAT_RATE_LIMITED', undefined, { wechatErrcode: errcode });
    throw new AppError('WECHAT_UNAVAILABLE', undefined, { wechatErrcode: errcode });
  }

  /**
   * The mini-program code for a scene, as PNG bytes. WeChat answers the image
   * itself or JSON with an errcode: 45009 (quota) is WECHAT_QUOTA_EXCEEDED,
   * -1 is WECHAT_UNAVAILABLE, a refused page, scene or argument (41030, 40169,
   * 40097...) is WECHAT_REJECTED: the configuration needs fixing, retrying will not help.
   */
  async unlimitedCode(r: UnlimitedCodeRequest): Promise<Buffer> {
    const answer = await this.post('/wxa/getwxacodeunlimit', {
      scene: r.scene,
      page: r.page,
      check_path: false,
      env_version: r.envVersion,
      width: r.width,
    });
    if (answer.kind === 'png') return answer.bytes;
    const errcode = Number(answer.body.errcode ?? -1);
    if (errcode === 45009) throw new AppError('WECHAT_QUOTA_EXCEEDED', undefined, { wechatErrcode: errcode });
    if (errcode === -1 || errcode === 0)
      throw new AppError('WECHAT_UNAVAILABLE', undefined, { wechatErrcode: errcode });
    throw new AppError('WECHAT_REJECTED', undefined, { wechatErrcode: errcode });
  }

  /** One call with the shared token; a refused token is refreshed (forced, once) and the call made again. */
  private async post(path: string, payload: Record<string, unknown>): Promise<Answer> {
    let refused: string | undefined;
    const api = path.slice(path.lastIndexOf('/') + 1);
    for (let attempt = 0; ; attempt++) {
      let answer: Answer;
      let token = '';
      // Set once the call itself is under way: a token failure is counted as stable_token's.
      let status: number | null = null;
      try {
        token = await this.tokens.accessToken(refused);
        status = 0;
        const res = await fetch(`${this.cfg.apiBase}${path}?access_token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
          body: JSON.stringify(payload),
        });
        status = res.status;
        const type = res.headers.get('content-type') ?? '';
        if (res.ok && type.startsWith('image/')) answer = { kind: 'png', bytes: Buffer.from(await res.arrayBuffer()) };
        else if (res.ok) answer = { kind: 'json', body: (await res.json()) as Record<string, unknown> };
        else throw new Error(`http ${res.status}`);
      } catch {
        if (status !== null) this.metrics.wechatCall(api, wechatResult(status));
        // Network, timeout, an HTTP error or an unreadable answer: nothing of the request is repeated here.
        throw new AppError('WECHAT_UNAVAILABLE');
      }
      const errcode = answer.kind === 'json' ? Number(answer.body.errcode ?? 0) : 0;
      this.metrics.wechatCall(api, wechatResult(status, errcode));
      if ((errcode === 40001 || errcode === 42001) && attempt === 0) {
        refused = token;
        continue;
      }
      return answer;
    }
  }
}
