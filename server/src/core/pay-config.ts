import fs from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * WeChat Pay (API v3) settings, parsed from the environment with the rest of the
 * configuration. All optional: without a merchant id the server runs without
 * payments (pay endpoints answer 503 PAY_UNAVAILABLE). Keys are read once, here,
 * and held as KeyObjects; nothing logs them.
 */
const PayEnv = z.object({
  WXPAY_MCHID: z.string().optional().describe('The merchant id; unset or empty: no payments'),
  WXPAY_APPID: z.string().optional().describe('The app bound to the merchant; default WECHAT_APPID'),
  WXPAY_SERIAL: z.string().min(8).optional().describe("Serial number of the merchant's API certificate"),
  WXPAY_PRIVATE_KEY: z.string().optional().describe("The merchant's API private key (PEM)"),
  WXPAY_PRIVATE_KEY_FILE: z.string().optional(),
  WXPAY_APIV3_KEY: z.string().optional().describe('The APIv3 key (32 characters) notifications are encrypted with'),
  WXPAY_PLATFORM_PUBLIC_KEY: z
    .string()
    .optional()
    .describe('The WeChat Pay public key (PEM) responses are signed with'),
  WXPAY_PLATFORM_PUBLIC_KEY_FILE: z.string().optional(),
  WXPAY_PLATFORM_SERIAL: z.string().min(8).optional().describe('Its id (PUB_KEY_ID_...), as in Wechatpay-Serial'),
  WXPAY_NOTIFY_URL: z.url().optional().describe('Public HTTPS address of POST /api/pay/notify'),
  WXPAY_BASE: z.url().default('https://api.mch.weixin.qq.com'),
  WXPAY_ORDER_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    // A prepay_id lasts two hours: a replayed order must not hand out a dead one.
    .max(120)
    .default(15)
    .describe('How long a member may pay an order before it is closed (at most 120)'),
});

export interface PayConfig {
  mchid: string;
  appId: string;
  serialNo: string;
  privateKey: KeyObject;
  apiV3Key: string;
  platformSerial: string;
  platformPublicKey: KeyObject;
  notifyUrl: string;
  base: string;
  orderTtlMs: number;
  timeoutMs: number;
}

/** The checked-in sandbox keys (scripts/fake-wechat/pay-keys): never accepted in production. */
const TEST_KEY_FINGERPRINTS = new Set([
  '1bc03c57273c525faaca90523c93192fe6316b2614107aee1278af226d8ab6af',
  '1fe2f6ca6ef05d0b4e4c24cd9a3d80d455af828d7a63a2be049f96121327dd67',
]);
const fingerprint = (k: KeyObject) =>
  createHash('sha256')
    .update((k.type === 'public' ? k : createPublicKey(k)).export({ type: 'spki', format: 'der' }))
    .digest('hex');

const pem = (value: string | undefined, file: string | undefined, name: string): string | undefined => {
  if (value) return value.replace(/\\n/g, '\n');
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Invalid configuration:\n  ${name}_FILE: cannot read the file`);
  }
};

/**
 * The pay settings, or null when WXPAY_MCHID is unset. When it is set every
 * other setting must be too; in production the sandbox keys, a plain-HTTP
 * address and a weak APIv3 key are refused (one line per problem).
 */
export function loadPayConfig(
  env: Record<string, string | undefined>,
  nodeEnv: string,
  appId: string,
  timeoutMs: number,
): PayConfig | null {
  const parsed = PayEnv.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `Invalid configuration:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`,
    );
  const e = parsed.data;
  if (!e.WXPAY_MCHID) return null;
  const problems: string[] = [];
  if (!/^\d{6,32}$/.test(e.WXPAY_MCHID)) problems.push('WXPAY_MCHID is not a merchant id (digits)');
  const privatePem = pem(e.WXPAY_PRIVATE_KEY, e.WXPAY_PRIVATE_KEY_FILE, 'WXPAY_PRIVATE_KEY');
  const platformPem = pem(e.WXPAY_PLATFORM_PUBLIC_KEY, e.WXPAY_PLATFORM_PUBLIC_KEY_FILE, 'WXPAY_PLATFORM_PUBLIC_KEY');
  let privateKey: KeyObject | undefined;
  let platformPublicKey: KeyObject | undefined;
  try {
    if (privatePem) privateKey = createPrivateKey(privatePem);
  } catch {
    problems.push('WXPAY_PRIVATE_KEY is not a PEM private key');
  }
  try {
    if (platformPem) platformPublicKey = createPublicKey(platformPem);
  } catch {
    problems.push('WXPAY_PLATFORM_PUBLIC_KEY is not a PEM public key');
  }
  if (!privatePem) problems.push('WXPAY_PRIVATE_KEY (or _FILE) missing');
  if (!platformPem) problems.push('WXPAY_PLATFORM_PUBLIC_KEY (or _FILE) missing');
  if (!e.WXPAY_SERIAL) problems.push('WXPAY_SERIAL missing');
  if (!e.WXPAY_PLATFORM_SERIAL) problems.push('WXPAY_PLATFORM_SERIAL missing');
  if (!e.WXPAY_NOTIFY_URL) problems.push('WXPAY_NOTIFY_URL missing');
  if (!e.WXPAY_APIV3_KEY || Buffer.byteLength(e.WXPAY_APIV3_KEY) !== 32)
    problems.push('WXPAY_APIV3_KEY missing or not 32 bytes');
  if (nodeEnv === 'production') {
    for (const k of [privateKey, platformPublicKey])
      if (k && TEST_KEY_FINGERPRINTS.has(fingerprint(k))) problems.push('a WXPAY key is the sandbox test key');
    if (!e.WXPAY_BASE.startsWith('https://')) problems.push('WXPAY_BASE must be https');
    if (e.WXPAY_NOTIFY_URL && !e.WXPAY_NOTIFY_URL.startsWith('https://'))
      problems.push('WXPAY_NOTIFY_URL must be https');
    if (e.WXPAY_APIV3_KEY && (new Set(e.WXPAY_APIV3_KEY).size < 8 || /test|sandbox/i.test(e.WXPAY_APIV3_KEY)))
      problems.push('WXPAY_APIV3_KEY weak');
  }
  if (problems.length) throw new Error(`Invalid configuration for WeChat Pay: ${problems.join('; ')}`);
  return {
    mchid: e.WXPAY_MCHID,
    appId: e.WXPAY_APPID ?? appId,
    serialNo: e.WXPAY_SERIAL!,
    privateKey: privateKey!,
    apiV3Key: e.WXPAY_APIV3_KEY!,
    platformSerial: e.WXPAY_PLATFORM_SERIAL!,
    platformPublicKey: platformPublicKey!,
    notifyUrl: e.WXPAY_NOTIFY_URL!,
    base: e.WXPAY_BASE.replace(/\/$/, ''),
    orderTtlMs: e.WXPAY_ORDER_TTL_MINUTES * 60_000,
    timeoutMs,
  };
}
