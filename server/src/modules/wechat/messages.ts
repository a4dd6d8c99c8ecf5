import { randomUUID } from 'node:crypto';
import type { WechatConfig } from './client';
import { noMetrics, wechatResult, type Metrics } from '../../core/metrics';

/**
 * WeChat subscribe messages with a shared access token. The token comes from
 * cgi-bin/stable_token, is kept in memory and in the database (so several server
 * instances share one and do not invalidate each other), and is refreshed five
 * minutes before it expires. When WeChat refuses it (40001 invalid, 42001
 * expired) a forced refresh is needed, which WeChat allows 20 times a day and
 * once per 30 s: so the instances take a lease on the database's clock for it,
 * one of them refreshes, and the others wait for and re-read the stored token.
 */
export interface TokenStore {
  load(): Promise<{ token: string; expiresAt: number } | null>;
  save(token: string, expiresAt: number): Promise<void>;
  /** True when `owner` won the forced-refresh lease (at most once per `windowMs` across instances). */
  takeRefresh(owner: string, windowMs: number): Promise<boolean>;
  /** Marks `owner`'s forced refresh over (done or failed), so nobody waits for it any more. */
  endRefresh(owner: string): Promise<void>;
  /** Whether a forced refresh is under way on some instance (its lease taken, not yet ended). */
  refreshing(): Promise<boolean>;
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
/** WeChat allows one forced refresh per 30 s. */
const REFRESH_WINDOW_MS = 30_000;
const POLL_MS = 100;

export class WechatMessages {
  private cached: { token: string; expiresAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  private readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly cfg: WechatConfig,
    private readonly store: TokenStore,
    private readonly now: () => number = Date.now,
    private readonly metrics: Metrics = noMetrics,
  ) {}

  /**
   * The longest one `send` can take: two sends, and before each a token fetch
   * that may wait up to two timeouts for another instance's refresh, every call
   * cut at the timeout. The outbox holds a row's lease at least this long
   * around the call.
   */
  maxSendMs(): number {
    return 8 * this.cfg.timeoutMs;
  }

  /** A usable token; `refused` is the token WeChat just refused (a forced refresh is needed past it). */
  async accessToken(refused?: string): Promise<string> {
    if (!refused && this.cached && this.cached.expiresAt - EARLY_MS > this.now()) return this.cached.token;
    const shared = await this.store.load();
    // Another instance may have refreshed already: its token is the answer, with no call to WeChat.
    if (shared && shared.token && shared.token !== refused && shared.expiresAt - EARLY_MS > this.now()) {
      this.cached = shared;
      return shared.token;
    }
    // One refresh at a time per process: concurrent senders wait for the same answer.
    this.refreshing ??= (refused ? this.forced(refused) : this.fetchToken(false)).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A forced refresh by the lease winner; the others wait for its token, then ask WeChat normally. */
  private async forced(refused: string): Promise<string> {
    if (await this.store.takeRefresh(this.owner, REFRESH_WINDOW_MS)) {
      try {
        return await this.fetchToken(true);
      } finally {
        await this.store.endRefresh(this.owner).catch(() => undefined);
      }
    }
    const deadline = Date.now() + 2 * this.cfg.timeoutMs;
    for (let last = false; ;) {
      const shared = await this.store.load();
      if (shared && shared.token && shared.token !== refused) {
        this.cached = shared;
        return shared.token;
      }
      if (last || Date.now() >= deadline) break;
      // The refresh ended between the read and now: read once more before giving up on it.
      if (!(await this.store.refreshing())) last = true;
      else await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // Refreshed within the window and still refused (or the refresher vanished): a normal
    // stable_token call returns WeChat's current token without spending a forced refresh.
    return this.fetchToken(false);
  }

  private async fetchToken(force: boolean): Promise<string> {
    let status = 0;
    let body: { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    try {
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
      status = res.status;
      body = (await res.json()) as typeof body;
    } catch (err) {
      this.metrics.wechatCall('stable_token', wechatResult(status));
      throw err;
    }
    this.metrics.wechatCall('stable_token', wechatResult(status, body.errcode ?? 0));
    if (!body.access_token) throw new Error(`stable_token failed: ${body.errcode ?? status}`);
    const entry = { token: body.access_token, expiresAt: this.now() + (body.expires_in ?? 7200) * 1000 };
    this.cached = entry;
    await this.store.save(entry.token, entry.expiresAt);
    return entry.token;
  }

  async send(m: SubscribeMessage): Promise<SendOutcome> {
    let refused: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      let body: { errcode?: number; errmsg?: string };
      let token = '';
      // Set once the send itself is under way: a token failure is counted as stable_token's.
      let status: number | null = null;
      try {
        token = await this.accessToken(refused);
        status = 0;
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
        status = res.status;
        body = (await res.json()) as typeof body;
      } catch (err) {
        if (status !== null) this.metrics.wechatCall('subscribe_send', wechatResult(status));
        return {
          ok: false,
          action: 'retry',
          errcode: null,
          reason: `network: ${(err as Error).message}`.slice(0, 200),
        };
      }
      const code = body.errcode ?? 0;
      this.metrics.wechatCall('subscribe_send', wechatResult(status, code));
      if (code === 0) return { ok: true };
      if (code === 40001 || code === 42001) {
        refused = token; // invalid or expired: refresh once (or take the one another instance got) and send again
        continue;
      }
      if (code === 43101)
        return { ok: false, action: 'no_allowance', errcode: code, reason: 'user refused or has no allowance left' };
      if (PARK.has(code))
        return { ok: false, action: 'park', errcode: code, reason: `${code} ${body.errmsg ?? ''}`.trim() };
      return { ok: false, action: 'retry', errcode: code, reason: `${code} ${body.errmsg ?? ''}`.trim() };
    }
    return { ok: false, action: 'retry', errcode: 42001, reason: 'access token still refused after a refresh' };
  }
}
