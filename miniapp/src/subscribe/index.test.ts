import Taro from '@tarojs/taro';
import { SUBSCRIBE_MOMENTS, type SubscribeMoment } from '@huiyuan/shared/src/domain/subscribe';
import { idsToRequest, subscribeTo } from '.';
import { loggedInMember, serve } from '../../test/http';

const kinds = Object.values(SUBSCRIBE_MOMENTS.profile);
/** One template per notification kind, allowances counting down so the order is visible. */
const templates = kinds.map((key, i) => ({
  key,
  templateId: `TPL_${key.toUpperCase()}`,
  title: key,
  allowance: kinds.length - i,
  banned: false,
}));
const idOf = (key: string) => `TPL_${key.toUpperCase()}`;

describe('idsToRequest', () => {
  it.each(Object.keys(SUBSCRIBE_MOMENTS) as SubscribeMoment[])(
    'asks at most 3 templates of the %s moment only',
    (moment) => {
      const ids = idsToRequest(moment, templates);
      const allowed = (SUBSCRIBE_MOMENTS[moment] as readonly string[]).map(idOf);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(3);
      for (const id of ids) expect(allowed).toContain(id);
      expect(ids).toHaveLength(Math.min(3, allowed.length));
    },
  );

  it('maps each moment to its kinds', () => {
    expect(idsToRequest('checkin', templates)).toEqual(['TPL_CHECKIN_REMINDER']);
    expect(idsToRequest('birthday', templates)).toEqual(['TPL_BIRTHDAY_GIFT']);
    expect(new Set(idsToRequest('tier', templates))).toEqual(new Set(['TPL_TIER_CHANGED', 'TPL_TIER_AT_RISK']));
    expect(new Set(idsToRequest('redemption', templates))).toEqual(
      new Set(['TPL_VOUCHER_EXPIRING', 'TPL_POINTS_EXPIRING']),
    );
  });

  it('asks first for the templates with the fewest sends left, so later taps cover the rest', () => {
    // Allowances count down along the list: the last three kinds have the least.
    expect(idsToRequest('profile', templates)).toEqual(kinds.slice(-3).reverse().map(idOf));
    const topped = templates.map((t) => (kinds.slice(-3).includes(t.key) ? { ...t, allowance: 99 } : t));
    expect(idsToRequest('profile', topped)).toEqual(kinds.slice(-6, -3).reverse().map(idOf));
  });

  it('leaves out banned templates and moments without a template', () => {
    const banned = templates.map((t) => (t.key === 'checkin_reminder' ? { ...t, banned: true } : t));
    expect(idsToRequest('checkin', banned)).toEqual([]);
    expect(idsToRequest('profile', banned)).not.toContain('TPL_CHECKIN_REMINDER');
    expect(idsToRequest('tier', [])).toEqual([]);
  });
});

describe('subscribeTo', () => {
  beforeEach(loggedInMember);

  it('asks WeChat before any await and reports every answer, unknown ones as reject', async () => {
    const sent = serve({ 'POST /api/me/subscriptions': { templates } });
    const wx = Taro.requestSubscribeMessage as unknown as jest.Mock;
    wx.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', A: 'accept', B: 'ban', C: 'weird' });
    const done = subscribeTo(['A', 'B', 'C']);
    // Called synchronously inside the tap: WeChat refuses the prompt after a network await.
    expect(wx).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['A', 'B', 'C'] }));
    const r = await done;
    expect(r?.accepted).toBe(1);
    expect(sent.map((s) => s.data)).toEqual([
      {
        results: [
          { templateId: 'A', result: 'accept' },
          { templateId: 'B', result: 'ban' },
          { templateId: 'C', result: 'reject' },
        ],
      },
    ]);
  });

  it('never sends more than 3 ids in one call and does nothing without ids', async () => {
    serve({ 'POST /api/me/subscriptions': { templates } });
    const wx = Taro.requestSubscribeMessage as unknown as jest.Mock;
    wx.mockResolvedValue({ errMsg: 'ok' });
    await subscribeTo(['A', 'B', 'C', 'D']);
    expect(wx.mock.calls[0][0].tmplIds).toEqual(['A', 'B', 'C']);
    expect(await subscribeTo([])).toBeNull();
    expect(wx).toHaveBeenCalledTimes(1);
  });
});
