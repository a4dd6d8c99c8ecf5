import { DEV_API_BASE, decideApiBase, isReleaseBuild } from '../config/release';

describe('API base per build', () => {
  it('keeps the local server for the dev WeChat build and same origin for H5', () => {
    expect(decideApiBase({ platform: 'weapp', mode: 'development', apiBase: undefined })).toEqual({
      ok: true,
      release: false,
      apiBase: DEV_API_BASE,
    });
    expect(decideApiBase({ platform: 'h5', mode: 'production', apiBase: undefined })).toEqual({
      ok: true,
      release: false,
      apiBase: '',
    });
    // A dev build may point anywhere, http included (DevTools with urlCheck off).
    expect(decideApiBase({ platform: 'weapp', mode: 'development', apiBase: 'http://10.0.0.5:3000/' })).toMatchObject({
      apiBase: 'http://10.0.0.5:3000',
    });
  });

  it('treats only a production-mode WeChat build as a release', () => {
    expect(isReleaseBuild({ platform: 'weapp', mode: 'production' })).toBe(true);
    expect(isReleaseBuild({ platform: 'weapp', mode: 'development' })).toBe(false);
    expect(isReleaseBuild({ platform: 'h5', mode: 'production' })).toBe(false);
  });

  it('accepts an https origin for a release, without a trailing slash', () => {
    expect(decideApiBase({ platform: 'weapp', mode: 'production', apiBase: ' https://api.example.cn/ ' })).toEqual({
      ok: true,
      release: true,
      apiBase: 'https://api.example.cn',
    });
  });

  it.each([
    [undefined, /not set/],
    ['', /not set/],
    ['api.example.cn', /not a URL/],
    ['http://api.example.cn', /must be https/],
    ['https://127.0.0.1:3000', /this machine/],
    ['https://localhost', /this machine/],
    ['https://LOCALHOST:8443', /this machine/],
    ['https://[::1]', /this machine/],
  ])('refuses a release with TARO_APP_API_BASE=%p in one line', (apiBase, why) => {
    const r = decideApiBase({ platform: 'weapp', mode: 'production', apiBase });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(why);
    expect(r.error).not.toContain('\n');
  });
});
