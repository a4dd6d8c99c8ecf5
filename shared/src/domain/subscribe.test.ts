import {
  chunkTemplateIds,
  checkField,
  fieldType,
  inQuietHours,
  renderFields,
  SUBSCRIBE_MOMENTS,
  templateIdsForMoment,
  type SubscribeMoment,
} from './subscribe';
import { DEFAULT_NOTIFICATION_SETTINGS, NOTIFICATION_KINDS } from '../api/settings';

describe('checkField', () => {
  it.each([
    ['thing1', '会员等级升级为金卡', null],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十', null],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', 'at most 20'],
    ['number2', '12345', null],
    ['number2', '12.5', null],
    ['number2', '12a', 'must be number'],
    ['phrase3', '金卡', null],
    ['phrase3', '已升级到金卡', 'at most 5'],
    ['phrase3', 'gold', 'must be Chinese'],
    ['time4', '2026-11-24 10:00', null],
    ['time4', '2026年11月24日', null],
    ['time4', 'tomorrow', 'must be date'],
    ['amount5', '¥12.50', null],
    ['amount5', '12.5元', null],
    ['amount5', 'twelve', 'must be amount'],
    ['character_string6', 'ABC-123', null],
    ['character_string6', '中文', 'must be letters'],
    ['thing7', '', 'empty'],
    ['foo1', 'x', 'unknown field type'],
    ['thing', 'x', 'unknown field type'],
  ])('%s = %p', (key, value, err) => {
    const r = checkField(key, value);
    if (err === null) expect(r).toBeNull();
    else expect(r).toContain(err);
  });
  it('field types', () => {
    expect(fieldType('character_string12')).toBe('character_string');
    expect(fieldType('phone_number1')).toBe('phone_number');
  });
});

describe('renderFields', () => {
  it('fills placeholders and shortens long things', () => {
    const r = renderFields(
      { thing1: '{title}', phrase2: '{to}', number3: '{points}' },
      { title: '您的会员等级发生了变化，请查看最新权益和成长值说明', to: '金卡', points: 300 },
    );
    expect(r.errors).toEqual([]);
    expect([...r.data.thing1.value]).toHaveLength(20);
    expect(r.data.thing1.value.endsWith('…')).toBe(true);
    expect(r.data).toMatchObject({ phrase2: { value: '金卡' }, number3: { value: '300' } });
  });
  it('reports values WeChat would refuse', () => {
    expect(renderFields({ phrase1: '{x}' }, { x: 'Gold card' }).errors).toHaveLength(1);
    expect(renderFields({ number1: '{missing}' }, {}).errors).toHaveLength(1);
  });
});

describe('inQuietHours', () => {
  it.each([
    [22, true],
    [23, true],
    [0, true],
    [7, true],
    [8, false],
    [12, false],
    [21, false],
  ])('22->8 at %i: %p', (h, q) => expect(inQuietHours(h, 22, 8)).toBe(q));
  it.each([
    [13, true],
    [12, false],
    [14, false],
  ])('13->14 at %i: %p', (h, q) => expect(inQuietHours(h, 13, 14)).toBe(q));
  it('equal means never', () => expect(inQuietHours(3, 5, 5)).toBe(false));
});

describe('SUBSCRIBE_MOMENTS', () => {
  const moments = Object.keys(SUBSCRIBE_MOMENTS) as SubscribeMoment[];
  it.each(NOTIFICATION_KINDS.map((k) => [k]))('%s can be subscribed at some moment', (kind) => {
    expect(moments.filter((m) => (SUBSCRIBE_MOMENTS[m] as readonly string[]).includes(kind)).length).toBeGreaterThan(0);
  });
  it('the profile offers every kind', () => {
    expect([...SUBSCRIBE_MOMENTS.profile].sort()).toEqual([...NOTIFICATION_KINDS].sort());
  });
  it('check-in, tier, birthday and redemption moments name the contract kinds', () => {
    expect(SUBSCRIBE_MOMENTS.checkin).toEqual(['checkin_reminder']);
    expect(SUBSCRIBE_MOMENTS.tier).toContain('tier_changed');
    expect(SUBSCRIBE_MOMENTS.birthday).toEqual(['birthday_gift']);
    expect([...SUBSCRIBE_MOMENTS.redemption].sort()).toEqual(['points_expiring', 'voucher_expiring']);
  });
  it('every default template is requested through the profile, in groups of at most 3 (birthday included)', () => {
    const templates = Object.entries(DEFAULT_NOTIFICATION_SETTINGS.templates).map(([key, t]) => ({
      key,
      templateId: t!.templateId,
      banned: false,
    }));
    expect(templates.length).toBeGreaterThan(3);
    const groups = chunkTemplateIds(templateIdsForMoment('profile', templates));
    for (const g of groups) expect(g.length).toBeLessThanOrEqual(3);
    expect(groups.flat().sort()).toEqual(templates.map((t) => t.templateId).sort());
    expect(groups.flat()).toContain('TPL_BIRTHDAY');
  });
  it('a banned template is not requested', () => {
    const ids = templateIdsForMoment('tier', [
      { key: 'tier_changed', templateId: 'A', banned: true },
      { key: 'tier_at_risk', templateId: 'B', banned: false },
      { key: 'birthday_gift', templateId: 'C', banned: false },
    ]);
    expect(ids).toEqual(['B']);
  });
});

describe('chunkTemplateIds', () => {
  it('groups of at most 3, in order', () => {
    expect(chunkTemplateIds(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });
  it('none for none; duplicates and empty ids dropped', () => {
    expect(chunkTemplateIds([])).toEqual([]);
    expect(chunkTemplateIds(['a', 'a', '', 'b'])).toEqual([['a', 'b']]);
  });
});
