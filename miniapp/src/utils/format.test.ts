import { formatCents, formatDate, formatDateTime, formatDelta, formatPoints, parseYuanToCents } from './format';

it('formats dates in business time (UTC+8) whatever the device zone', () => {
  expect(formatDate('2024-12-31T16:30:00.000Z')).toBe('2025-01-01');
  expect(formatDateTime('2024-12-31T15:59:00Z')).toBe('2024-12-31 23:59');
  expect(formatDate('nope')).toBe('');
});

it('formats points and deltas', () => {
  expect(formatPoints(1234567)).toBe('1,234,567');
  expect(formatPoints(-1200)).toBe('-1,200');
  expect(formatDelta(50)).toBe('+50');
  expect(formatDelta(-50)).toBe('-50');
  expect(formatDelta(0)).toBe('0');
});

it('formats and parses money as integer cents', () => {
  expect(formatCents(123456)).toBe('¥1,234.56');
  expect(formatCents(5)).toBe('¥0.05');
  expect(parseYuanToCents('12.3')).toBe(1230);
  expect(parseYuanToCents('0.1')).toBe(10);
  expect(parseYuanToCents(' 88 ')).toBe(8800);
  expect(parseYuanToCents('19.99')).toBe(1999);
  for (const bad of ['', '0', '0.00', '-1', '1.234', 'abc', '1e3']) expect(parseYuanToCents(bad)).toBeNull();
});
