import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { qrLikePng } from './png';

/**
 * The fake's phone-number and mini-program-code APIs, shaped like WeChat's
 * (access_token in the query, JSON body):
 * - POST /wxa/business/getuserphonenumber {code, openid?}: the code is one the
 *   fake issued (what <button open-type="getPhoneNumber"> gives the mini-program),
 *   valid once for five minutes; otherwise 40029. Answers phone_info.
 * - POST /wxa/getwxacodeunlimit {scene, page, check_path, env_version, width}:
 *   image/png bytes on success, JSON {errcode, errmsg} otherwise (40169 scene
 *   too long or with characters WeChat refuses, 41030 unknown page when
 *   check_path is on, 40097 bad width or env_version).
 */
export interface PhoneCodes {
  /** A code for `phone` (11 digits), as getPhoneNumber would give the mini-program; bound to `openid` when given. */
  issue(phone: string, opts?: { openid?: string }): string;
  /** Makes a code expired at once (as if five minutes had passed). */
  expire(code: string): void;
}

export const PHONE_CODE_TTL_MS = 5 * 60_000;
/** Pages the fake treats as published (check_path true). */
export const PUBLISHED_PAGES = new Set(['pages/index/index', 'pages/benefits/index', 'pages/points/index']);
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

type Json = (res: http.ServerResponse, body: unknown) => void;

export function wxaHandlers(appId: string, now: () => number = Date.now) {
  const codes = new Map<string, { phone: string; openid?: string; issuedAt: number; used: boolean }>();

  const phoneCodes: PhoneCodes = {
    issue(phone, opts = {}) {
      const code = randomBytes(32).toString('hex');
      codes.set(code, { phone, openid: opts.openid, issuedAt: now(), used: false });
      return code;
    },
    expire(code) {
      const c = codes.get(code);
      if (c) c.issuedAt = now() - PHONE_CODE_TTL_MS - 1;
    },
  };

  function phoneNumber(res: http.ServerResponse, b: Record<string, unknown>, json: Json) {
    const c = typeof b.code === 'string' ? codes.get(b.code) : undefined;
    const fresh = c && !c.used && now() - c.issuedAt <= PHONE_CODE_TTL_MS;
    const sameUser = c && (!c.openid || b.openid === undefined || b.openid === c.openid);
    if (!c || !fresh || !sameUser) return json(res, { errcode: 40029, errmsg: 'invalid code' });
    c.used = true;
    return json(res, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: c.phone,
        purePhoneNumber: c.phone,
        countryCode: '86',
        watermark: { timestamp: Math.floor(c.issuedAt / 1000), appid: appId },
      },
    });
  }

  function unlimitedCode(res: http.ServerResponse, b: Record<string, unknown>, json: Json) {
    const scene = b.scene;
    if (typeof scene !== 'string' || !SCENE_CHARS.test(scene))
      return json(res, { errcode: 40169, errmsg: 'invalid length for scene, or the data is not json string' });
    const page = b.page === undefined ? 'pages/index/index' : b.page;
    if (typeof page !== 'string' || page.startsWith('/') || page.includes('?'))
      return json(res, { errcode: 41030, errmsg: 'invalid page' });
    if (b.check_path !== false && !PUBLISHED_PAGES.has(page))
      return json(res, { errcode: 41030, errmsg: 'invalid page' });
    const width = b.width === undefined ? 430 : b.width;
    const env = b.env_version === undefined ? 'release' : b.env_version;
    if (
      typeof width !== 'number' ||
      width < 280 ||
      width > 1280 ||
      !['release', 'trial', 'develop'].includes(String(env))
    )
      return json(res, { errcode: 40097, errmsg: 'invalid args' });
    // About `width` pixels across: 33 modules with the quiet zone.
    const png = qrLikePng(`${page}?${scene}`, Math.max(1, Math.floor(width / 33)));
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
    res.end(png);
  }

  return { phoneCodes, phoneNumber, unlimitedCode };
}
