import fs from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../src/core/config';
import { startTestServer, type TestServer } from './harness';
import { payKeyFile, payTestEnv } from '../../scripts/fake-wechat/pay-keys';

const prod = {
  NODE_ENV: 'production',
  DATABASE_URL: 'mysql://u:p@db:3306/hy',
  TOKEN_SECRET: 'f3a9c1e07b5d24c68e1f0a9b3c7d5e2f4a6b8c0d',
  PHONE_ENC_KEY: '9f8e7d6c5b4a39281706f5e4d3c2b1a00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  PHONE_HMAC_KEY: 'k3J9x2Qm7Vp4Lr8Tz1Nw6Bc5Hs0Gd2Fa',
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: '0123456789abcdef0123456789abcdef',
};

test('no merchant id: no payments, nothing else changes', () => {
  expect(loadConfig({ NODE_ENV: 'test' }).pay).toBeNull();
  expect(loadConfig({ NODE_ENV: 'test', WXPAY_MCHID: '' }).pay).toBeNull();
});

test('a merchant id needs every other setting; production refuses the sandbox keys and plain HTTP', () => {
  expect(() => loadConfig({ NODE_ENV: 'test', WXPAY_MCHID: '1900000109' })).toThrow(/WXPAY_PRIVATE_KEY.*missing/);
  const cfg = loadConfig({ NODE_ENV: 'test', ...payTestEnv('http://127.0.0.1:1') }).pay!;
  expect(cfg.mchid).toBe('1900000109');
  // The key is held as a key object: nothing prints it.
  expect(JSON.stringify(cfg)).not.toContain('PRIVATE KEY');
  expect(() => loadConfig({ ...prod, ...payTestEnv('http://127.0.0.1:1') })).toThrow(
    /sandbox test key.*WXPAY_BASE must be https.*WXPAY_NOTIFY_URL must be https.*WXPAY_APIV3_KEY weak/,
  );
  const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const real = loadConfig({
    ...prod,
    ...payTestEnv('https://api.mch.weixin.qq.com', 'https://hy.example.com/api/pay/notify'),
    WXPAY_PRIVATE_KEY_FILE: '',
    WXPAY_PRIVATE_KEY: own.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n'),
    WXPAY_PLATFORM_PUBLIC_KEY_FILE: '',
    WXPAY_PLATFORM_PUBLIC_KEY: own.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    WXPAY_APIV3_KEY: 'Qe7rT9uW2xZ4bN6mK8jH1gF3dS5aP0oL',
  }).pay!;
  expect(real.base).toBe('https://api.mch.weixin.qq.com');
  expect(fs.existsSync(payKeyFile('merchant-private'))).toBe(true);
});

describe('without WeChat Pay settings', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { WXPAY_MCHID: '' } });
  });
  afterAll(async () => {
    await t.close();
  });

  test('pay endpoints answer 503 PAY_UNAVAILABLE; the operator lists still answer; the rest of the API works', async () => {
    const { token } = await t.login('nopay');
    const notify = await t.http('POST', '/api/pay/notify', {
      body: {
        event_type: 'TRANSACTION.SUCCESS',
        resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x', nonce: 'n' },
      },
    });
    expect(notify.status).toBe(503);
    expect(notify.body.code).toBe('PAY_UNAVAILABLE');
    t.ctx.payments.onPaid('pay_test', async () => undefined);
    await expect(
      t.ctx.payments.createJsapiOrder({
        memberId: 1,
        openid: 'o',
        purpose: 'pay_test',
        purposeRef: 'r',
        amountFen: 1,
        description: 'd',
        idempotencyKey: 'nopay-key-1',
      }),
    ).rejects.toMatchObject({ code: 'PAY_UNAVAILABLE' });
    const op = (await t.staffToken('operator')).token;
    const list = await t.http('GET', '/api/admin/pay/orders', { token: op });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await t.http('GET', '/api/me', { token })).status).toBe(200);
    expect((await t.ctx.payments.sweep()).synced).toBe(0);
  });
});
