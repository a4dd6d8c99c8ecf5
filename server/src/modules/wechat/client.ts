import { AppError } from '../../core/errors';
import { noMetrics, wechatResult, type Metrics } from '../../core/metrics';

/**
 * WeChat server API client. The base URL is configuration, so development and
 * tests talk to the fake WeChat server in scripts/. `session_key` is dropped
 * here: nothing past this function ever holds it.
 */
export interface WechatSession {
  openid: string;
  unionid: string | null;
}

export interface WechatConfig {
  apiBase: string;
  appId: string;
  secret: string;
  timeoutMs: number;
}

export class WechatClient {
  constructor(
    private readonly cfg: WechatConfig,
    private readonly metrics: Metrics = noMetrics,
  ) {}

  async code2Session(code: string): Promise<WechatSession> {
    const url = new URL(`${this.cfg.apiBase}/sns/jscode2session`);
    url.search = new URLSearchParams({
      appid: this.cfg.appId,
      secret: this.cfg.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string };
    let status = 0;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.cfg.timeoutMs) });
      status = res.status;
      body = (await res.json()) as typeof body;
    } catch {
      this.metrics.wechatCall('jscode2session', wechatResult(status));
      throw new AppError('WECHAT_UNAVAILABLE');
    }
    const errcode = body.errcode ?? 0;
    this.metrics.wechatCall('jscode2session', wechatResult(status, errcode));
    if (errcode === 0 && typeof body.openid === 'string' && body.openid.length > 0) {
      return { openid: body.openid, unionid: typeof body.unionid === 'string' ? body.unionid : null };
    }
    // 40029 invalid code, 40163 code already used: the client must call wx.login again.
    if (errcode === 40029 || errcode === 40163) throw new AppError('WECHAT_CODE_INVALID');
    if (errcode === 45011) throw new AppError('WECHAT_RATE_LIMITED');
    throw new AppError('WECHAT_UNAVAILABLE', undefined, { wechatErrcode: errcode });
  }
}
