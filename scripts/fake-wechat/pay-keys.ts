import fs from 'node:fs';
import path from 'node:path';

/**
 * The WeChat Pay sandbox's TEST-ONLY keys (pay-keys/*.TEST-ONLY.pem, checked in
 * on purpose: they protect nothing, and production refuses them). The merchant
 * pair signs our requests (the sandbox verifies with the public half); the
 * platform pair signs the sandbox's answers and notifications (the server
 * verifies with the public half).
 */
export const TEST_PAY = {
  mchid: '1900000109',
  merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  platformSerial: 'PUB_KEY_ID_0119000001092025TESTONLY000000',
  apiV3Key: 'TESTONLY-apiv3-key-0123456789abc',
};

export function payKeyDir(): string {
  // Beside this file when run from source (tests), two levels up from scripts/dist/fake-wechat when built.
  for (const dir of [path.join(__dirname, 'pay-keys'), path.resolve(__dirname, '../../fake-wechat/pay-keys')])
    if (fs.existsSync(path.join(dir, 'merchant-private.TEST-ONLY.pem'))) return dir;
  throw new Error('pay-keys not found');
}

export const payKeyFile = (name: 'merchant-private' | 'merchant-public' | 'platform-private' | 'platform-public') =>
  path.join(payKeyDir(), `${name}.TEST-ONLY.pem`);

/** The WXPAY_* settings that point the server at a sandbox at `base`, notifications to `notifyUrl`. */
export function payTestEnv(base: string, notifyUrl = 'http://127.0.0.1:3000/api/pay/notify'): Record<string, string> {
  return {
    WXPAY_MCHID: TEST_PAY.mchid,
    WXPAY_SERIAL: TEST_PAY.merchantSerial,
    WXPAY_PRIVATE_KEY_FILE: payKeyFile('merchant-private'),
    WXPAY_APIV3_KEY: TEST_PAY.apiV3Key,
    WXPAY_PLATFORM_PUBLIC_KEY_FILE: payKeyFile('platform-public'),
    WXPAY_PLATFORM_SERIAL: TEST_PAY.platformSerial,
    WXPAY_NOTIFY_URL: notifyUrl,
    WXPAY_BASE: base,
  };
}
