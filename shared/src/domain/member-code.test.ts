import {
  hotp,
  memberCode,
  parseMemberCode,
  secondsLeft,
  secretFromHex,
  stepOf,
  totp,
  verifyMemberCode,
} from './member-code';

const rfcSecret = new TextEncoder().encode('12345678901234567890');

describe('HOTP, RFC 4226 appendix D', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('counter %i -> %s', (counter, code) => expect(hotp(rfcSecret, counter)).toBe(code));

  it.each([[-1], [6.5]])('refuses counter %p', (c) => expect(() => hotp(rfcSecret, c)).toThrow());
  it('refuses 5 or 9 digits', () => {
    expect(() => hotp(rfcSecret, 0, 5)).toThrow(RangeError);
    expect(() => hotp(rfcSecret, 0, 9)).toThrow(RangeError);
  });
});

describe('TOTP SHA1, RFC 6238 appendix B (8 digits)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('t=%i -> %s', (t, code) => expect(totp(rfcSecret, t * 1000, 8)).toBe(code));
});

describe('steps', () => {
  it.each([
    [0, 0],
    [29_999, 0],
    [30_000, 1],
    [59_999, 1],
    [60_000, 2],
  ])('stepOf(%i) = %i', (ms, step) => expect(stepOf(ms)).toBe(step));
  it.each([
    [0, 30],
    [1, 30],
    [29_001, 1],
    [29_999, 1],
    [15_000, 15],
  ])('secondsLeft(%i) = %i', (ms, s) => expect(secondsLeft(ms)).toBe(s));
});

describe('member code', () => {
  const secret = secretFromHex('00112233445566778899aabbccddeeff00112233');
  const t0 = Date.UTC(2026, 10, 24, 4, 0, 0);

  it('is 16 digits: zero-padded member id then the TOTP', () => {
    const code = memberCode('42', secret, t0);
    expect(code).toMatch(/^0000000042[0-9]{6}$/);
    expect(code.slice(10)).toBe(totp(secret, t0));
    expect(parseMemberCode(code)).toEqual({ memberId: '42', otp: code.slice(10) });
  });

  it.each(['0', '01', '12345678901', 'abc', ''])('refuses member id %p', (id) =>
    expect(() => memberCode(id, secret, t0)).toThrow(RangeError),
  );

  it.each([
    '',
    '123',
    '00000000421234567',
    '000000004212345',
    '0000000042abcdef',
    '0000000000123456',
    ' 000000004212345',
    '-000000004212345',
  ])('parse refuses %p', (code) => expect(parseMemberCode(code)).toBeNull());

  it('accepts the current and the previous step, refuses older and future steps', () => {
    const at = (ms: number) => memberCode('7', secret, ms).slice(10);
    expect(verifyMemberCode(secret, at(t0), t0, { acceptPrevious: true })).toEqual({ ok: true, step: stepOf(t0) });
    expect(verifyMemberCode(secret, at(t0 - 30_000), t0, { acceptPrevious: true })).toEqual({
      ok: true,
      step: stepOf(t0) - 1,
    });
    expect(verifyMemberCode(secret, at(t0 - 30_000), t0, { acceptPrevious: false })).toEqual({ ok: false });
    expect(verifyMemberCode(secret, at(t0 - 60_000), t0, { acceptPrevious: true })).toEqual({ ok: false });
    expect(verifyMemberCode(secret, at(t0 + 30_000), t0, { acceptPrevious: true })).toEqual({ ok: false });
  });

  it('boundary: the code of 29.999 s is the previous step at 30 s', () => {
    const base = Math.floor(t0 / 30_000) * 30_000;
    const before = memberCode('7', secret, base + 29_999).slice(10);
    expect(verifyMemberCode(secret, before, base + 30_000)).toEqual({ ok: true, step: stepOf(base) });
    expect(verifyMemberCode(secret, before, base + 60_000)).toEqual({ ok: false });
  });

  it('another secret does not verify', () => {
    const other = secretFromHex('ffeeddccbbaa99887766554433221100ffeeddcc');
    expect(verifyMemberCode(other, memberCode('7', secret, t0).slice(10), t0)).toEqual({ ok: false });
  });

  it.each(['12345', '1234567', 'abcdef', ''])('refuses otp %p', (otp) =>
    expect(verifyMemberCode(secret, otp, t0)).toEqual({ ok: false }),
  );
  it.each(['abc', 'zz', '0'])('secretFromHex refuses %p', (hex) =>
    expect(() => secretFromHex(hex)).toThrow(RangeError),
  );
});
