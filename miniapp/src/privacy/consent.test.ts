import Taro from '@tarojs/taro';
import {
  AGREE_BUTTON_ID,
  agree,
  consentStep,
  disagree,
  installPrivacyHandler,
  isConsentOpen,
  isPersonalPatch,
  registerSheet,
  resetConsentState,
  withConsent,
} from './consent';
import { ApiError } from '../api/errors';
import { loggedInMember, serve } from '../../test/http';

const consent = { version: '2026-12', acceptedAt: '2026-12-02T10:00:00.000Z' };
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  resetConsentState();
  loggedInMember();
});
afterEach(() => {
  delete (Taro as unknown as Record<string, unknown>).onNeedPrivacyAuthorization;
  delete (process.env as Record<string, string | undefined>).TARO_ENV;
});

describe('consent gate', () => {
  it('asks only for personal data while the current version is not accepted', () => {
    expect(consentStep({ consentRequired: true }, true)).toBe('ask');
    expect(consentStep({ consentRequired: false }, true)).toBe('send');
    expect(consentStep({ consentRequired: true }, false)).toBe('send');
    expect(consentStep(undefined, true)).toBe('send');
    expect(isPersonalPatch({ nickname: 'A' })).toBe(true);
    expect(isPersonalPatch({ phone: '13800000000' })).toBe(true);
    expect(isPersonalPatch({ privacyConsentVersion: '2026-12' })).toBe(false);
  });

  it('sends at once when consent is current', async () => {
    const send = jest.fn(async () => 'saved');
    expect(await withConsent({ consentRequired: false }, send)).toEqual({ sent: true, value: 'saved' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(isConsentOpen()).toBe(false);
  });

  it('opens the sheet, records the version the server served, then sends', async () => {
    const sent = serve({ 'POST /api/me/consent': consent });
    const sheet = jest.fn();
    registerSheet(sheet);
    const send = jest.fn(async () => 'saved');
    const gated = withConsent({ consentRequired: true }, send);
    await flush();
    expect(sheet).toHaveBeenLastCalledWith(true);
    expect(send).not.toHaveBeenCalled();
    await agree('2026-12');
    expect(await gated).toEqual({ sent: true, value: 'saved' });
    expect(sent.map((s) => [s.method, s.path, s.data])).toEqual([['POST', '/api/me/consent', { version: '2026-12' }]]);
    expect(sheet).toHaveBeenLastCalledWith(false);
  });

  it('sends nothing after a refusal', async () => {
    const sent = serve({});
    registerSheet(jest.fn());
    const send = jest.fn(async () => 'saved');
    const gated = withConsent({ consentRequired: true }, send);
    await flush();
    disagree();
    expect(await gated).toEqual({ sent: false });
    expect(send).not.toHaveBeenCalled();
    expect(sent).toHaveLength(0);
  });

  it('asks when the server answers CONSENT_REQUIRED (a new version went live) and sends once more', async () => {
    serve({ 'POST /api/me/consent': consent });
    registerSheet(jest.fn());
    const send = jest
      .fn()
      .mockRejectedValueOnce(new ApiError({ code: 'CONSENT_REQUIRED', status: 403 }))
      .mockResolvedValueOnce('saved');
    const gated = withConsent({ consentRequired: false }, send);
    await flush();
    expect(isConsentOpen()).toBe(true);
    await agree('2026-12');
    expect(await gated).toEqual({ sent: true, value: 'saved' });
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('keeps the sheet open when recording fails (POLICY_OUTDATED)', async () => {
    serve({ 'POST /api/me/consent': { status: 409, body: { code: 'POLICY_OUTDATED', message: 'old' } } });
    registerSheet(jest.fn());
    void withConsent({ consentRequired: true }, async () => 'x');
    await flush();
    await expect(agree('2026-11')).rejects.toMatchObject({ code: 'POLICY_OUTDATED' });
    expect(isConsentOpen()).toBe(true);
  });

  it('opens the privacy page when no page shows a sheet', async () => {
    void withConsent({ consentRequired: true }, async () => 'x');
    await flush();
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/privacy/index?ask=1' });
  });
});

describe("WeChat's privacy prompt", () => {
  it('is not installed outside WeChat or where the base library lacks it, so no page is blocked', () => {
    process.env.TARO_ENV = 'h5';
    (Taro as unknown as Record<string, unknown>).onNeedPrivacyAuthorization = jest.fn();
    expect(installPrivacyHandler()).toBe(false);
    process.env.TARO_ENV = 'weapp';
    delete (Taro as unknown as Record<string, unknown>).onNeedPrivacyAuthorization;
    expect(installPrivacyHandler()).toBe(false);
    expect(isConsentOpen()).toBe(false);
  });

  it('shows the sheet, and 同意 releases the waiting API with the agree button id before recording', async () => {
    process.env.TARO_ENV = 'weapp';
    const sent = serve({ 'POST /api/me/consent': consent });
    const on = jest.fn();
    (Taro as unknown as Record<string, unknown>).onNeedPrivacyAuthorization = on;
    expect(installPrivacyHandler()).toBe(true);
    const sheet = jest.fn();
    registerSheet(sheet);
    const resolve = jest.fn();
    on.mock.calls[0][0](resolve, { referrer: 'saveImageToPhotosAlbum' });
    expect(sheet).toHaveBeenLastCalledWith(true);
    expect(resolve).toHaveBeenCalledWith({ event: 'exposureAuthorization' });
    const done = agree('2026-12');
    expect(resolve).toHaveBeenLastCalledWith({ event: 'agree', buttonId: AGREE_BUTTON_ID });
    await done;
    expect(sent.map((s) => s.path)).toEqual(['/api/me/consent']);
  });

  it('拒绝 fails the waiting API and records nothing', () => {
    process.env.TARO_ENV = 'weapp';
    const sent = serve({});
    const on = jest.fn();
    (Taro as unknown as Record<string, unknown>).onNeedPrivacyAuthorization = on;
    installPrivacyHandler();
    registerSheet(jest.fn());
    const resolve = jest.fn();
    on.mock.calls[0][0](resolve, { referrer: 'getPhoneNumber' });
    disagree();
    expect(resolve).toHaveBeenLastCalledWith({ event: 'disagree' });
    expect(sent).toHaveLength(0);
    expect(isConsentOpen()).toBe(false);
  });
});
