import { maskName, maskPhone, normalizePhone } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
  ])('%p -> %p', (input, out) => expect(normalizePhone(input)).toBe(out));
  it.each(['12812345678', '1381234567', '138123456789', 'abc', '', '+1 415 555 0100', '86138123'])(
    'refuses %p',
    (bad) => expect(() => normalizePhone(bad)).toThrow(RangeError),
  );
});

describe('masking', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
  ])('phone %p -> %p', (p, m) => expect(maskPhone(p)).toBe(m));
  it.each([
    [null, '会员'],
    ['', '会员'],
    ['张', '张*'],
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['Alice', 'A****'],
    ['Maximilian', 'M****'],
    ['😀abc', '😀***'],
  ])('name %p -> %p', (n, m) => expect(maskName(n)).toBe(m));
});
