import type http from 'node:http';
import fs from 'node:fs';
import { createCipheriv, createSign, createVerify, randomBytes } from 'node:crypto';
import { payKeyFile, TEST_PAY } from './pay-keys';

/**
 * The sandbox's side of WeChat Pay v3 cryptography, written with Node's crypto
 * directly (independent of the server's payments/crypto.ts, so a mistake in one
 * is not mirrored in the other): checks the merchant's Authorization, signs
 * answers and notifications with the TEST-ONLY platform key, encrypts
 * notification resources with the APIv3 key.
 */
export function sandboxCrypto() {
  const merchantPublic = fs.readFileSync(payKeyFile('merchant-public'), 'utf8');
  const platformPrivate = fs.readFileSync(payKeyFile('platform-private'), 'utf8');
  const sign = (msg: string) => createSign('RSA-SHA256').update(msg).sign(platformPrivate, 'base64');
  const signed = (body: string, bad = false) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const sig = sign(`${ts}\n${nonce}\n${body}\n`);
    return {
      'Wechatpay-Serial': TEST_PAY.platformSerial,
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      // A bad signature: a valid one over other bytes.
      'Wechatpay-Signature': bad ? sign(`${ts}\n${nonce}\n${body} \n`) : sig,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  };

  function authorized(req: http.IncomingMessage, url: URL, raw: string): boolean {
    const h = String(req.headers.authorization ?? '');
    if (!h.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return false;
    const f = Object.fromEntries([...h.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (f.mchid !== TEST_PAY.mchid || f.serial_no !== TEST_PAY.merchantSerial) return false;
    if (Math.abs(Date.now() / 1000 - Number(f.timestamp)) > 300) return false;
    const msg = `${req.method}\n${url.pathname}${url.search}\n${f.timestamp}\n${f.nonce_str}\n${raw}\n`;
    return createVerify('RSA-SHA256')
      .update(msg)
      .verify(merchantPublic, f.signature ?? '', 'base64');
  }

  function encrypt(plain: unknown, type: string) {
    const nonce = randomBytes(6).toString('hex');
    const c = createCipheriv('aes-256-gcm', Buffer.from(TEST_PAY.apiV3Key), Buffer.from(nonce));
    c.setAAD(Buffer.from(type));
    const data = Buffer.concat([c.update(JSON.stringify(plain)), c.final(), c.getAuthTag()]);
    return {
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: data.toString('base64'),
      associated_data: type,
      nonce,
      original_type: type,
    };
  }

  return { signed, authorized, encrypt };
}
