/**
 * Which API origin a build talks to. Pure, so the rule is tested without a build.
 *
 * - Browser (h5): same origin unless TARO_APP_API_BASE says otherwise (the
 *   server serves the build next to the API).
 * - WeChat, dev build (`npm run build:weapp`, mode development): the local
 *   server for DevTools (urlCheck off) unless set.
 * - WeChat, release build (mode production: `npm run build:weapp:release`, or
 *   `NODE_ENV=production taro build --type weapp`): WeChat only calls https
 *   domains registered for the app, so the base must be set, https and not a
 *   loopback address; anything else fails the build.
 */

export interface BuildTarget {
  /** TARO_ENV: weapp, h5... */
  platform: string | undefined;
  /** Taro's mode: --mode, else NODE_ENV. */
  mode: string | undefined;
  /** TARO_APP_API_BASE from the environment or a .env file. */
  apiBase: string | undefined;
}

export const DEV_API_BASE = 'http://127.0.0.1:3000';

export type ApiBaseDecision = { ok: true; apiBase: string; release: boolean } | { ok: false; error: string };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

export function isReleaseBuild(t: Pick<BuildTarget, 'platform' | 'mode'>): boolean {
  return t.platform === 'weapp' && t.mode === 'production';
}

export function decideApiBase(t: BuildTarget): ApiBaseDecision {
  const set = t.apiBase?.trim() ? t.apiBase.trim().replace(/\/+$/, '') : undefined;
  if (!isReleaseBuild(t)) {
    return { ok: true, release: false, apiBase: set ?? (t.platform === 'h5' ? '' : DEV_API_BASE) };
  }
  if (!set) return { ok: false, error: 'TARO_APP_API_BASE is not set: a release build needs the https API origin' };
  let url: URL;
  try {
    url = new URL(set);
  } catch {
    return { ok: false, error: `TARO_APP_API_BASE is not a URL: ${set}` };
  }
  if (url.protocol !== 'https:')
    return { ok: false, error: `TARO_APP_API_BASE must be https for a release build (WeChat refuses ${set})` };
  if (LOOPBACK.test(url.hostname))
    return {
      ok: false,
      error: `TARO_APP_API_BASE points at this machine (${url.hostname}): not reachable from phones`,
    };
  return { ok: true, release: true, apiBase: set };
}
