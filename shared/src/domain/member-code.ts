import { hmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';

/**
 * The rotating member code: TOTP (RFC 6238: HMAC-SHA1, 30 s steps) over a per-member
 * secret, prefixed by the member id so the server finds the secret without a scan.
 * Format: 10 digits of member id (zero-padded) + 6 TOTP digits = 16 digits, which
 * fits Code 128 barcodes and small QR codes. Pure JS (@noble/hashes), so the
 * mini-program computes the same code offline, without Node or WebCrypto.
 */
export const MEMBER_CODE_STEP_SECONDS = 30;
export const MEMBER_CODE_DIGITS = 6;
export const MEMBER_ID_DIGITS = 10;
export const MEMBER_CODE_LENGTH = MEMBER_ID_DIGITS + MEMBER_CODE_DIGITS;

/** HOTP (RFC 4226) for one counter value. */
export function hotp(secret: Uint8Array, counter: number | bigint, digits = MEMBER_CODE_DIGITS): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('digits must be 6-8');
  const c = Number(counter);
  if (!Number.isSafeInteger(c) || c < 0) throw new RangeError('counter must be a whole number >= 0');
  // No BigInt literals: older mini-program engines cannot parse them. Steps stay far below 2^53.
  const msg = new Uint8Array(8);
  const hi = Math.floor(c / 2 ** 32);
  const lo = c >>> 0;
  for (let i = 0; i < 4; i++) {
    msg[3 - i] = (hi >>> (8 * i)) & 0xff;
    msg[7 - i] = (lo >>> (8 * i)) & 0xff;
  }
  const mac = hmac(sha1, secret, msg);
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export function stepOf(nowMs: number): number {
  return Math.floor(nowMs / 1000 / MEMBER_CODE_STEP_SECONDS);
}

/** TOTP for the step containing `nowMs`. */
export function totp(secret: Uint8Array, nowMs: number, digits = MEMBER_CODE_DIGITS): string {
  return hotp(secret, stepOf(nowMs), digits);
}

/** Seconds until the code shown at `nowMs` changes (for the card's countdown). */
export function secondsLeft(nowMs: number): number {
  const stepMs = MEMBER_CODE_STEP_SECONDS * 1000;
  return Math.ceil((stepMs - (nowMs % stepMs)) / 1000);
}

export function memberCode(memberId: string, secret: Uint8Array, nowMs: number): string {
  if (!/^[1-9][0-9]{0,9}$/.test(memberId)) throw new RangeError('member id must be 1-10 digits');
  return memberId.padStart(MEMBER_ID_DIGITS, '0') + totp(secret, nowMs);
}

export function parseMemberCode(code: string): { memberId: string; otp: string } | null {
  if (typeof code !== 'string' || code.length !== MEMBER_CODE_LENGTH || !/^[0-9]+$/.test(code)) return null;
  const memberId = code.slice(0, MEMBER_ID_DIGITS).replace(/^0+/, '');
  if (!memberId) return null;
  return { memberId, otp: code.slice(MEMBER_ID_DIGITS) };
}

/**
 * Accepts the current step and, if allowed, the previous one (a code shown just
 * before it rolled over). Never a future step: the device clock is not trusted.
 * Returns the matched step so the caller can refuse a second use of it.
 */
export function verifyMemberCode(
  secret: Uint8Array,
  otp: string,
  nowMs: number,
  opts: { acceptPrevious?: boolean } = {},
): { ok: true; step: number } | { ok: false } {
  if (!/^[0-9]{6}$/.test(otp)) return { ok: false };
  const now = stepOf(nowMs);
  const steps = opts.acceptPrevious === false ? [now] : [now, now - 1];
  for (const step of steps) {
    if (step >= 0 && constantTimeEqual(hotp(secret, step), otp)) return { ok: true, step };
  }
  return { ok: false };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function secretFromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new RangeError('secret must be hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
