import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { acceptPrivacyPolicy } from '../api/me';
import { ApiError } from '../api/errors';
import { ROUTES } from '../utils/routes';

/**
 * One privacy sheet for the whole app, asked for by two callers:
 * - WeChat, before the first privacy-protected API or component (phone number,
 *   photo album, clipboard), through onNeedPrivacyAuthorization: the API waits
 *   until `resolve` is called with the member's choice;
 * - our own forms, before personal data (nickname, birthday, phone) is sent
 *   while the server says the current policy version is not accepted.
 * Agreeing records the consent on the server under the version it served, so a
 * new policy version asks again. Refusing leaves everything as it was.
 */

export type Consent = ResponseFor<'acceptPrivacyPolicy'>;
type WeChatResolve = (r: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void;

/** The id WeChat checks was tapped before `resolve({ event: 'agree' })`. */
export const AGREE_BUTTON_ID = 'privacy-agree';

let open = false;
let wechatPending: WeChatResolve[] = [];
let waiters: ((agreed: boolean) => void)[] = [];
const sheets = new Set<(open: boolean) => void>();
const consentListeners = new Set<(c: Consent) => void>();

/** What a personal-data form does first: send, or ask for consent. */
export function consentStep(me: { consentRequired: boolean } | null | undefined, personal: boolean): 'send' | 'ask' {
  return personal && me?.consentRequired === true ? 'ask' : 'send';
}

/** Fields of PATCH /api/me that are personal data and need the current consent. */
export function isPersonalPatch(patch: Record<string, unknown>): boolean {
  return ['nickname', 'birthday', 'phone'].some((k) => patch[k] !== undefined);
}

function setOpen(next: boolean) {
  open = next;
  for (const fn of sheets) fn(next);
  // No page shows a sheet (a page without one is on top): the privacy page asks instead.
  if (next && sheets.size === 0) void Taro.navigateTo({ url: `${ROUTES.privacy}?ask=1` }).catch(() => undefined);
}

export const isConsentOpen = () => open;

/** A sheet on a page registers here; it shows while `open` is true. */
export function registerSheet(fn: (open: boolean) => void): () => void {
  sheets.add(fn);
  return () => void sheets.delete(fn);
}

/** Told of every consent recorded, so a page can update what it shows without reloading. */
export function onConsent(fn: (c: Consent) => void): () => void {
  consentListeners.add(fn);
  return () => void consentListeners.delete(fn);
}

/** Opens the sheet; resolves true once the member agreed and the server recorded it, false on refusal. */
export function requestConsent(): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    waiters.push(resolve);
    if (!open) setOpen(true);
  });
}

/** Asks first only when the member has not accepted the current version; true when the form may send. */
export async function ensureConsent(me: { consentRequired: boolean } | null | undefined, personal = true) {
  return consentStep(me, personal) === 'send' ? true : requestConsent();
}

/**
 * Sends personal data behind the consent gate: asks first when the member has
 * not accepted the current policy, and once more when the server says so
 * anyway (a new version went live since the page loaded). Nothing is sent
 * after a refusal.
 */
export async function withConsent<T>(
  me: { consentRequired: boolean } | null | undefined,
  send: () => Promise<T>,
): Promise<{ sent: true; value: T } | { sent: false }> {
  if (!(await ensureConsent(me))) return { sent: false };
  try {
    return { sent: true, value: await send() };
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'CONSENT_REQUIRED')) throw e;
    if (!(await requestConsent())) return { sent: false };
    return { sent: true, value: await send() };
  }
}

function releaseWeChat(answer: Parameters<WeChatResolve>[0]) {
  const pending = wechatPending;
  wechatPending = [];
  for (const resolve of pending) resolve(answer);
}

function settleWaiters(agreed: boolean) {
  const w = waiters;
  waiters = [];
  for (const fn of w) fn(agreed);
}

/**
 * The 同意 tap. WeChat's pending API is released first, synchronously in the
 * tap, then the consent is recorded under the version the sheet showed. When
 * recording fails the sheet stays open (the error is thrown to show it).
 */
export async function agree(version: string): Promise<Consent> {
  releaseWeChat({ event: 'agree', buttonId: AGREE_BUTTON_ID });
  const consent = await acceptPrivacyPolicy(version);
  for (const fn of consentListeners) fn(consent);
  setOpen(false);
  settleWaiters(true);
  return consent;
}

/** The 拒绝 tap: WeChat's pending API fails, our forms do not send. */
export function disagree(): void {
  releaseWeChat({ event: 'disagree' });
  setOpen(false);
  settleWaiters(false);
}

/**
 * Listens for WeChat's privacy prompt. Only in WeChat, and only where the base
 * library has it: elsewhere nothing is asked and no page is blocked.
 */
export function installPrivacyHandler(): boolean {
  if (process.env.TARO_ENV !== 'weapp') return false;
  const on = (Taro as unknown as { onNeedPrivacyAuthorization?: (l: (r: WeChatResolve) => void) => void })
    .onNeedPrivacyAuthorization;
  if (typeof on !== 'function') return false;
  on((resolve) => {
    // Several APIs may wait at once; one answer releases them all.
    wechatPending.push(resolve);
    if (!open) setOpen(true);
    // Tells WeChat the sheet is on screen (it counts exposures).
    resolve({ event: 'exposureAuthorization' });
  });
  return true;
}

/** Test helper: forgets every pending prompt and listener. */
export function resetConsentState(): void {
  open = false;
  wechatPending = [];
  waiters = [];
  sheets.clear();
  consentListeners.clear();
}
