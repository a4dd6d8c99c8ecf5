import { Tokens } from './tokens';

const tokens = new Tokens('a-test-secret-of-enough-length-for-hs256', 3600, 600);
const t0 = new Date('2026-11-24T04:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

test('a token verified before is still checked for expiry and audience on every use', () => {
  const { token } = tokens.signMember(7, 2, t0);
  expect(tokens.verifyMember(token, later(1))).toMatchObject({ sub: '7', ver: 2 });
  expect(tokens.verifyMember(token, later(3599))).toMatchObject({ sub: '7', ver: 2 });
  expect(code(() => tokens.verifyMember(token, later(3600)))).toBe('TOKEN_EXPIRED');
  expect(code(() => tokens.verifyStaff(token, later(1)))).toBe('TOKEN_INVALID');
});

test('a token one character off is verified afresh and refused', () => {
  const { token } = tokens.signStaff({ staffId: 3, ver: 0, role: 'staff', storeId: 1 }, t0);
  expect(tokens.verifyStaff(token, later(1))).toMatchObject({ sub: '3', role: 'staff', store: '1' });
  // A character inside the signature (the last one may carry only padding bits).
  const i = token.length - 10;
  const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  expect(code(() => tokens.verifyStaff(forged, later(1)))).toBe('TOKEN_INVALID');
  expect(code(() => tokens.verifyMember(token, later(1)))).toBe('TOKEN_INVALID');
});
