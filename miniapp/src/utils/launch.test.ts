import { refFromLaunch, refFromScene } from './launch';

describe('refFromScene', () => {
  it('reads the r= key the server puts in poster codes', () => {
    expect(refFromScene(encodeURIComponent('r=AB12cd'))).toBe('AB12cd');
  });

  it('still reads the older ref= key', () => {
    expect(refFromScene(encodeURIComponent('ref=QR7'))).toBe('QR7');
  });

  it('reads a scene WeChat already decoded, and finds the key among others', () => {
    expect(refFromScene('r=XY9')).toBe('XY9');
    expect(refFromScene(encodeURIComponent('s=12&r=K2'))).toBe('K2');
  });

  it('ignores keys that only end in r, empty values and malformed input', () => {
    expect(refFromScene(encodeURIComponent('usr=K2'))).toBeUndefined();
    expect(refFromScene(encodeURIComponent('r='))).toBeUndefined();
    expect(refFromScene('')).toBeUndefined();
    expect(refFromScene(undefined)).toBeUndefined();
    expect(refFromScene(42)).toBeUndefined();
    expect(refFromScene('r=%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('refFromLaunch', () => {
  it('prefers an explicit ref query over the scene', () => {
    expect(refFromLaunch({ query: { ref: 'SHARE1', scene: 'r%3DPOSTER' } })).toBe('SHARE1');
    expect(refFromLaunch({ query: { scene: 'r%3DPOSTER' } })).toBe('POSTER');
  });

  it('copes with launches without options or query', () => {
    expect(refFromLaunch(undefined)).toBeUndefined();
    expect(refFromLaunch({})).toBeUndefined();
    expect(refFromLaunch({ query: { scene: 1001 } })).toBeUndefined();
  });
});
