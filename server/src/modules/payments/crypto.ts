import { createCipheriv, createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * WeChat Pay API v3 cryptography with Node's crypto only: the merchant's
 * request signature (SHA256withRSA, PKCS#1 v1.5), the check of WeChat Pay's
 * signature on responses and notifications, and AEAD_AES_256_GCM for the
 * notification's `resource`. Pure functions: keys and times are passed in.
 */

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** How far a WeChat Pay timestamp may be from our clock before its message is refused (replays). */
export const MAX_SKEW_S = 300;

/** Lines joined by '\n', each ended by '\n' (the v3 signing message format). */
export const message = (...lines: string[]): string => lines.map((l) => `${l}\n`).join('');

export function rsaSign(key: KeyObject | string, msg: string): string {
  return createSign('RSA-SHA256').update(msg, 'utf8').sign(key, 'base64');
}

export function rsaVerify(key: KeyObject | string, msg: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(msg, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

export const nonce = (): string => randomBytes(16).toString('hex');

export interface Signer {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject | string;
}

/**
 * The Authorization header of one request: the signature covers the method, the
 * path with its query, the timestamp, the nonce and the exact body sent ('' for GET).
 */
export function authorization(
  s: Signer,
  method: string,
  pathAndQuery: string,
  body: string,
  timestamp: number,
  nonceStr: string,
): string {
  const signature = rsaSign(
    s.privateKey,
    message(method.toUpperCase(), pathAndQuery, String(timestamp), nonceStr, body),
  );
  return `${AUTH_SCHEMA} mchid="${s.mchid}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${s.serialNo}"`;
}

/** The fields of an Authorization header, or null when it is not a v3 one. */
export function parseAuthorization(header: string): Record<string, string> | null {
  if (!header.startsWith(`${AUTH_SCHEMA} `)) return null;
  const out: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

export interface SignedHeaders {
  signature: string;
  timestamp: string;
  nonce: string;
  serial: string;
}

/**
 * Checks WeChat Pay's signature on a response or notification: the serial is
 * the platform key we hold, the timestamp within five minutes of `nowS`, and the
 * signature over `timestamp\nnonce\nbody\n` verifies with the platform public key.
 */
export function verifySigned(
  h: Partial<SignedHeaders>,
  body: string,
  platform: { serial: string; publicKey: KeyObject | string },
  nowS: number,
): 'ok' | 'serial' | 'stale' | 'signature' {
  if (!h.serial || h.serial !== platform.serial) return 'serial';
  const ts = Number(h.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > MAX_SKEW_S) return 'stale';
  if (!h.signature || !h.nonce) return 'signature';
  return rsaVerify(platform.publicKey, message(String(h.timestamp), h.nonce, body), h.signature) ? 'ok' : 'signature';
}

/** The signed headers WeChat Pay puts on a response or notification (the fake sandbox uses this). */
export function signedHeaders(
  platform: { serial: string; privateKey: KeyObject | string },
  body: string,
  timestamp: number,
  nonceStr = nonce(),
): Record<string, string> {
  return {
    'Wechatpay-Serial': platform.serial,
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonceStr,
    'Wechatpay-Signature': rsaSign(platform.privateKey, message(String(timestamp), nonceStr, body)),
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

/**
 * AEAD_AES_256_GCM with the 32-byte APIv3 key: the base64 ciphertext ends with
 * the 16-byte tag; associated_data and nonce are UTF-8 strings. Throws when the
 * tag does not match (a forged or corrupted resource).
 */
export function decryptResource(apiV3Key: string, r: EncryptedResource): string {
  if (r.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${r.algorithm}`);
  const data = Buffer.from(r.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(r.nonce, 'utf8'));
  d.setAuthTag(data.subarray(data.length - 16));
  d.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8');
}

/** The inverse of decryptResource (the fake sandbox encrypts notifications with it). */
export function encryptResource(
  apiV3Key: string,
  plaintext: string,
  associatedData: string,
  originalType: string,
  nonceStr = randomBytes(6).toString('hex'),
): EncryptedResource {
  const c = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonceStr, 'utf8'));
  c.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: body.toString('base64'),
    associated_data: associatedData,
    nonce: nonceStr,
    original_type: originalType,
  };
}

/**
 * The paySign of wx.requestPayment: SHA256withRSA with the merchant key over
 * `appId\ntimeStamp\nnonceStr\npackage\n`.
 */
export function paySign(
  privateKey: KeyObject | string,
  appId: string,
  timeStamp: string,
  nonceStr: string,
  pkg: string,
) {
  return rsaSign(privateKey, message(appId, timeStamp, nonceStr, pkg));
}
