import type { WechatConfig } from './client';

/**
 * WeChat subscribe messages with a shared access token. The token comes from
 * cgi-bin/stable_token, is kept in memory and in the database (so several server
 * instances share one and do not invalidate each other), is refreshed five
 * minutes before it expires, and at once when WeChat says it is invalid
 * (40001) or expired (42001).
 */
export interface TokenStore {
  load(): Promise<{ token: string; expiresAt: number } | null>;
  save(token: string, expiresAt: number): Promise<void>;
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  state: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

/** What the worker does next: the documented action for each WeChat answer. */
export type SendOutcome =
  { ok: true } | { ok: false; action: 'retry' | 'park' | 'no_allowance'; errcode: number | null; reason: string };

const PARK = new Set([40003, 40037, 47003, 41030]);
const EARLY_MS = 5 * 60_000;

export class WechatMessages {
  private cached: { token: string; expiresAt: number } | null = null;
  private refreshing: Promise<string> | null = null;

  constructor(
    private readonly cfg: WechatConfig,
    private readonly store: TokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(force = false): Promise<string> {
    if (!force && this.cached && this.cached.expiresAt - EARLY_MS > this.now()) return this.cached.token;
    if (!force) {
      const shared = await this.store.load();
      if (shared && shared.expiresAt - EARLY_MS > this.now()) {
        this.cached = shared;
        return shared.token;
      }
    }
    // One refresh at a time per process: concurrent senders wait for the same answer.
    this.refreshing ??= this.fetchToken(force).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async fetchToken(force: boolean): Promise<string> {
    const res = await fetch(`${this.cfg.apiBase}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(this.cfg.timeoutMs),
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: this.cfg.appId,
        secret: this.cfg.secret,
        force_refresh: force,
      }),
    });
    const body = (await res.json()) as {
      access_token?: string;
      expires_in?: number;
      errcode?: number;
      errmsg?: string;
    };
    if (!body.access_token) throw new Error(`stable_token failed: ${body.errcode ?? res.status}`);
    const entry = { token: body.access_token, expiresAt: this.now() + (body.expires_in ?? 7200) * 1000 };
    this.cached = entry;
    await this.store.save(entry.token, entry.expiresAt);
    return entry.token;
  }

  async send(m: SubscribeMessage): Promise<SendOutcome> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let body: { errcode?: number; errmsg?: string };
      try {
        const token = await this.accessToken(attempt > 0);
        const res = await fetch(
          `${this.cfg.apiBase}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            signal: AbortSignal.timeout(this.cfg.timeoutMs),
            body: JSON.stringify({
              touser: m.touser,
              template_id: m.templateId,
              page: m.page,
              data: m.data,
              miniprogram_state: m.state,
              lang: m.lang ?? 'zh_CN',
            }),
          },
        );
        body = (await res.json()) as typeof body;
      } catch (err) {
        return {
          ok: false,
          action: 'retry',
          errcode: null,
          reason: `network: ${(err as Error).message}`.slice(0, 200),
        };
      }
      const code = body.errcode ?? 0;
      if (code === 0) return { ok: true };
      if (code === 40001 || code === 42001) continue; // token invalid or expired: refresh once and send again
      if (code === 43101)
        return { ok: false, action: 'no_allowance', errcode: code, reason: 'user refused or has no allowance left' };
      if (PARK.has(code))
        return { ok: false, action: 'park', errcode: code, reason: `${code} ${body.errmsg ?? ''}`.trim() };
      return { ok: false, action: 'retry', errcode: code, reason: `${code} ${body.errmsg ?? ''}`.trim() };
    }
    return { ok: false, action: 'retry', errcode: 42001, reason: 'access token still refused after a refresh' };
  }
}
