import { checkField, fieldType, inQuietHours, renderFields } from './subscribe';

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
