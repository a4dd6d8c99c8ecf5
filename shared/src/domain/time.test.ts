import { addDaysToIsoDate, businessDate, isValidTimezone, localParts, parseIsoDate, startOfLocalDay } from './time';

const TZ = 'Asia/Shanghai';

describe('businessDate in Asia/Shanghai', () => {
  it.each([
    ['2026-11-24T15:59:59.999Z', '2026-11-24'], // 23:59:59.999 local
    ['2026-11-24T16:00:00.000Z', '2026-11-25'], // 00:00:00 local
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2028-02-28T16:00:00.000Z', '2028-02-29'],
    ['2026-11-24T00:00:00.000Z', '2026-11-24'],
  ])('%s -> %s', (iso, date) => expect(businessDate(new Date(iso), TZ)).toBe(date));
  it('other zones', () =>
    expect(businessDate(new Date('2026-11-24T15:59:59Z'), 'America/New_York')).toBe('2026-11-24'));
  it('local parts', () =>
    expect(localParts(new Date('2026-11-24T15:59:59Z'), TZ)).toEqual({
      year: 2026,
      month: 11,
      day: 24,
      hour: 23,
      minute: 59,
      second: 59,
    }));
});

describe('startOfLocalDay', () => {
  it.each([
    [2026, 11, 25, '2026-11-24T16:00:00.000Z'],
    [2026, 13, 1, '2026-12-31T16:00:00.000Z'], // month overflow into the next year
    [2027, 2, 29, '2027-02-28T16:00:00.000Z'], // day overflow: 29 Feb 2027 = 1 Mar
    [2028, 2, 29, '2028-02-28T16:00:00.000Z'],
  ])('%i-%i-%i', (y, m, d, iso) => expect(startOfLocalDay(y, m, d, TZ).toISOString()).toBe(iso));
  it('handles a zone with daylight saving', () =>
    expect(startOfLocalDay(2026, 3, 8, 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z'));
});

describe('parseIsoDate', () => {
  it.each(['2026-11-24', '2024-02-29', '2000-02-29'])('accepts %s', (s) => expect(parseIsoDate(s)).not.toBeNull());
  it.each([
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-1-1',
    '26-11-24',
    '2026/11/24',
    '',
    'tomorrow',
    '2026-11-24T00:00:00Z',
    '1900-02-29',
  ])('refuses %p', (s) => expect(parseIsoDate(s)).toBeNull());
});

describe('addDaysToIsoDate', () => {
  it.each([
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-11-24', -400, '2025-10-20'],
    ['2026-11-24', 0, '2026-11-24'],
  ] as const)('%s %+i -> %s', (d, n, r) => expect(addDaysToIsoDate(d, n)).toBe(r));
  it('refuses a non-date', () => expect(() => addDaysToIsoDate('2026-02-30', 1)).toThrow(RangeError));
});

describe('isValidTimezone', () => {
  it.each([
    ['Asia/Shanghai', true],
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('%p -> %p', (tz, ok) => expect(isValidTimezone(tz)).toBe(ok));
});

describe('localParts with remembered offsets', () => {
  const zones = [
    'Asia/Shanghai',
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'America/St_Johns',
  ];
  const viaIntl = (t: number, tz: string) => {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
  };

  test('match Intl at random instants and around daylight-saving changes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const instants: number[] = [];
    for (let i = 0; i < 2000; i++) instants.push(Date.UTC(2000, 0, 1) + Math.floor(rand() * 40 * 365 * 864e5));
    // Either side of changes: New York 2026-03-08 07:00Z and 2026-11-01 06:00Z, London 2026-03-29 01:00Z, Lord Howe 2026-04-04 15:00Z.
    for (const at of [
      Date.UTC(2026, 2, 8, 7),
      Date.UTC(2026, 10, 1, 6),
      Date.UTC(2026, 2, 29, 1),
      Date.UTC(2026, 3, 4, 15),
    ])
      for (let d = -2000; d <= 2000; d += 250) instants.push(at + d, at + d * 1000);
    for (const tz of zones)
      for (const t of instants) expect([tz, t, localParts(new Date(t), tz)]).toEqual([tz, t, viaIntl(t, tz)]);
  });

  test('an invalid date still throws', () => {
    expect(() => localParts(new Date(NaN), 'Asia/Shanghai')).toThrow(RangeError);
  });
});
