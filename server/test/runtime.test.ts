import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/core/config';
import { createApp } from '../src/http/app';
import { startTestServer, type TestServer } from './harness';

/**
 * The production runtime at the HTTP edge: probes, ill-formed Unicode refused,
 * the client address behind TRUST_PROXY, and the one-line production refusal.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('probes', () => {
  it('/livez answers without the database; /readyz and /healthz check it', async () => {
    expect(await t.http('GET', '/livez')).toMatchObject({ status: 200, body: { status: 'live' } });
    expect(await t.http('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(await t.http('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    const doc = (await t.http('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/livez', '/readyz', '/healthz']));
  });

  it('/readyz is 503 while not ready (draining), /livez stays 200', async () => {
    const ready = t.ctx.isReady;
    t.ctx.isReady = () => false;
    try {
      const r = await t.http('GET', '/readyz');
      expect(r).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
      expect(r.headers.get('retry-after')).toBe('1');
      expect((await t.http('GET', '/livez')).status).toBe(200);
    } finally {
      t.ctx.isReady = ready;
    }
  });
});

describe('ill-formed Unicode', () => {
  it('PATCH /api/me with a lone surrogate is 400 and changes nothing; a real pair is stored', async () => {
    const { token } = await t.login('unicode-a');
    const first = { nickname: '小明', privacyConsentVersion: 'v1' };
    expect((await t.http('PATCH', '/api/me', { token, body: first })).status).toBe(200);
    for (const bad of ['\ud800', 'a\udfffb', '\udc00\ud800']) {
      const r = await t.http('PATCH', '/api/me', { token, body: { nickname: bad } });
      expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(r.body.details.issues[0].path).toBe('body.nickname');
    }
    // The escape written by hand, as a client would send it.
    const raw = await t.http('PATCH', '/api/me', {
      token,
      raw: '{"nickname":"x\\ud83d"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(raw).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect((await t.http('GET', '/api/me', { token })).body.nickname).toBe('小明');
    // A surrogate pair is well-formed (one code point) and kept as sent.
    expect((await t.http('PATCH', '/api/me', { token, body: { nickname: '笑😀' } })).status).toBe(200);
    expect((await t.http('GET', '/api/me', { token })).body.nickname).toBe('笑😀');
  });

  it('is refused on other endpoints too: staff login body, nested keys, the query string', async () => {
    const login = await t.http('POST', '/api/staff/login', { body: { username: 'op\ud800', password: 'whatever1' } });
    expect(login).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const { token } = await t.login('unicode-b');
    const key = await t.http('PATCH', '/api/me', { token, body: { ['\ud800']: 'x' } });
    expect(key).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const q = await t.http('GET', `/api/me/points/entries?cursor=${encodeURIComponent('a')}%ED%A0%80`, { token });
    expect(q.status).toBeLessThan(500);
  });
});

describe('TRUST_PROXY', () => {
  /** ctx.ip as the app computes it for a request from this test (the socket peer is 127.0.0.1). */
  async function ipFor(trustProxy: string, forwardedFor: string): Promise<string> {
    const config = loadConfig({ NODE_ENV: 'test', SQLITE_PATH: ':memory:', TRUST_PROXY: trustProxy });
    const app = createApp({ ...t.ctx, config });
    const server = http.createServer((req, res) => res.end(app.createContext(req, res).ip));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': forwardedFor } });
      return await res.text();
    } finally {
      server.close();
    }
  }

  it('off by default: X-Forwarded-For is ignored, the client is the socket peer', async () => {
    expect(await ipFor('0', '203.0.113.9')).toMatch(/127\.0\.0\.1$/);
  });

  it('one hop: the address the balancer appended; a spoofed left-most entry is not believed', async () => {
    expect(await ipFor('1', '203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('1', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('2', '6.6.6.6, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
  });
});

describe('production configuration', () => {
  const strong = {
    NODE_ENV: 'production',
    DATABASE_URL: 'mysql://u:p@db:3306/huiyuan',
    TOKEN_SECRET: 'f3a9c1e07b5d42a8e6c0d9b1f4a27e3c5d8b0a6f1e9c3d7b',
    PHONE_ENC_KEY: '9c0e4b7a1f3d5e8c2a6b0d9f7e1c3a5b8d2f4e6a0c9b7d1e3f5a8c2b4d6e0f1a',
    PHONE_HMAC_KEY: 'k7Qz2pX9vR4mT8wB1nY6cJ3hF5sD0gLa',
    WECHAT_APPID: 'wx1234567890abcdef',
    WECHAT_SECRET: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  };

  it('starts with real secrets and defaults to the real WeChat API', () => {
    const c = loadConfig(strong);
    expect(c.wechat.apiBase).toBe('https://api.weixin.qq.com');
    expect(c.migrateOnStart).toBe(false);
    expect(c.shutdown.drainMs).toBe(5000);
  });

  it('refuses with one line naming everything missing or weak', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration for production: DATABASE_URL missing.*TOKEN_SECRET missing.*PHONE_ENC_KEY missing.*PHONE_HMAC_KEY missing.*WECHAT_APPID missing.*WECHAT_SECRET missing$/,
    );
    const weak = () => loadConfig({ ...strong, TOKEN_SECRET: 'a'.repeat(40), PHONE_ENC_KEY: '11'.repeat(32) });
    expect(weak).toThrow(/TOKEN_SECRET weak.*PHONE_ENC_KEY weak/);
    expect(weak).not.toThrow(/\n/);
    expect(() => loadConfig({ ...strong, WECHAT_APPID: 'wx-huiyuan-dev', WECHAT_SECRET: 'dev-secret' })).toThrow(
      /WECHAT_APPID missing; WECHAT_SECRET missing/,
    );
  });

  it('migrates on start by default only on the embedded database', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).migrateOnStart).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'mysql://r@h/d' }).migrateOnStart).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'mysql://r@h/d', MIGRATE_ON_START: '1' }).migrateOnStart).toBe(
      true,
    );
  });
});
