import { act, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { loggedInMember, serve, settle, typeInto } from '../http';
import ProfilePage from '../../src/member/settings';
import { resetConsentState } from '../../src/privacy/consent';

const policy = {
  version: '2026-12',
  title: '会员隐私政策',
  text: '我们收集你的昵称、生日和手机号，用于提供会员服务。',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const me = (over: Record<string, unknown> = {}) => ({
  id: '7',
  nickname: null,
  birthday: null,
  phoneMasked: null,
  phoneVerified: false,
  phoneTypingAllowed: false,
  privacyConsent: null,
  consentRequired: true,
  registeredAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const templates = {
  templates: [
    { key: 'birthday_gift', templateId: 'TPL_B', title: '生日礼遇通知', allowance: 2, banned: false },
    { key: 'checkin_reminder', templateId: 'TPL_C', title: '签到提醒', allowance: 0, banned: true },
  ],
};

const setPlatform = (p: string | undefined) => {
  if (p) process.env.TARO_ENV = p as 'weapp';
  else delete (process.env as Record<string, string | undefined>).TARO_ENV;
};
const tap = (el: Element) => act(() => void el.dispatchEvent(new MouseEvent('click', { bubbles: true })));
const wxEvent = (el: Element, name: string, detail: unknown) =>
  act(() => void el.dispatchEvent(Object.assign(new Event(name, { bubbles: true }), { detail })));

beforeEach(() => {
  resetConsentState();
  loggedInMember();
});
afterEach(() => setPlatform(undefined));

describe('consent before personal data', () => {
  it('shows the server policy and saves the nickname only after 同意 recorded its version', async () => {
    const sent = serve({
      'GET /api/me': me(),
      'GET /api/privacy/policy': policy,
      'GET /api/me/subscriptions': templates,
      'POST /api/me/consent': { version: '2026-12', acceptedAt: '2026-12-02T10:00:00.000Z' },
      'PATCH /api/me': (s) => me({ nickname: (s.data as { nickname: string }).nickname, consentRequired: false }),
    });
    render(<ProfilePage />);
    await settle();
    typeInto(screen.getAllByPlaceholderText('填写昵称')[0], '小王');
    await tap(screen.getAllByText('保存')[0]);
    await settle();
    expect(screen.getByTestId('privacy-sheet').textContent).toContain('我们收集你的昵称');
    expect(sent.some((s) => s.method === 'PATCH')).toBe(false);
    await tap(screen.getByTestId('privacy-agree'));
    await settle();
    const writes = sent.filter((s) => s.method !== 'GET').map((s) => [s.method, s.path, s.data]);
    expect(writes).toEqual([
      ['POST', '/api/me/consent', { version: '2026-12' }],
      ['PATCH', '/api/me', { nickname: '小王' }],
    ]);
    expect(screen.queryByTestId('privacy-sheet')).toBeNull();
  });

  it('sends nothing when the member refuses', async () => {
    const sent = serve({ 'GET /api/me': me(), 'GET /api/privacy/policy': policy });
    render(<ProfilePage />);
    await settle();
    typeInto(screen.getAllByPlaceholderText('填写昵称')[0], '小王');
    await tap(screen.getAllByText('保存')[0]);
    await settle();
    await tap(screen.getByTestId('privacy-disagree'));
    await settle();
    expect(sent.filter((s) => s.method !== 'GET')).toEqual([]);
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '同意隐私政策后才能保存' }));
  });
});

describe('phone in WeChat', () => {
  beforeEach(() => setPlatform('weapp'));

  it('binds the number from the getPhoneNumber code and shows it as verified', async () => {
    const sent = serve({
      'GET /api/me': me({ consentRequired: false }),
      'GET /api/me/subscriptions': templates,
      'POST /api/me/phone': { phoneMasked: '138****0000', phoneVerified: true },
    });
    render(<ProfilePage />);
    await settle();
    // Typing is off by default: only WeChat's verified number.
    expect(screen.queryByTestId('phone-typed')).toBeNull();
    await wxEvent(screen.getByTestId('phone-wechat'), 'getphonenumber', { code: 'c0de', errMsg: 'getPhoneNumber:ok' });
    await settle();
    expect(sent.find((s) => s.path === '/api/me/phone')?.data).toEqual({ code: 'c0de' });
    expect(screen.getByTestId('phone-current').textContent).toBe('138****0000已验证');
  });

  it('says so when the member refuses, and asks to tap again when the code is no longer valid', async () => {
    const sent = serve({
      'GET /api/me': me({ consentRequired: false, phoneMasked: '139****1111', phoneTypingAllowed: true }),
      'POST /api/me/phone': { status: 400, body: { code: 'PHONE_CODE_INVALID', message: 'x' } },
    });
    render(<ProfilePage />);
    await settle();
    expect(screen.getByTestId('phone-current').textContent).toBe('139****1111未验证');
    expect(screen.getByTestId('phone-typed')).toBeTruthy();
    await wxEvent(screen.getByTestId('phone-wechat'), 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' });
    await settle();
    expect(sent.some((s) => s.path === '/api/me/phone')).toBe(false);
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '未授权手机号，可稍后再绑定' }));
    await wxEvent(screen.getByTestId('phone-wechat'), 'getphonenumber', { code: 'used', errMsg: 'getPhoneNumber:ok' });
    await settle();
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '验证未完成' }));
  });

  it('lists each template with what is left, and asks for the birthday one beside a set birthday', async () => {
    serve({
      'GET /api/me': me({ consentRequired: false, birthday: '1995-03-08' }),
      'GET /api/me/subscriptions': templates,
      'POST /api/me/subscriptions': templates,
    });
    (Taro.requestSubscribeMessage as unknown as jest.Mock).mockResolvedValue({ TPL_B: 'accept' });
    render(<ProfilePage />);
    await settle();
    const rows = screen.getAllByTestId('subscription-template').map((r) => r.textContent);
    expect(rows).toEqual(['生日礼遇通知可接收 2 次', '签到提醒已关闭，可在右上角“设置”中开启']);
    await tap(screen.getByTestId('subscribe-birthday'));
    expect(Taro.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['TPL_B'] }));
  });
});

it('in the browser shows a note instead of a phone field when typing is not allowed', async () => {
  setPlatform('h5');
  serve({ 'GET /api/me': me({ consentRequired: false }) });
  render(<ProfilePage />);
  await settle();
  expect(screen.queryByTestId('phone-wechat')).toBeNull();
  expect(screen.queryByTestId('phone-typed')).toBeNull();
  expect(screen.getByTestId('phone-note').textContent).toContain('请在微信小程序中绑定手机号');
});
