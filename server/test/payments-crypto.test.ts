import { createCipheriv, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import {
  authorization,
  decryptResource,
  parseAuthorization,
  paySign,
  verifySigned,
} from '../src/modules/payments/crypto';

/**
 * The WeChat Pay v3 cryptography against vectors made here with Node's crypto
 * directly (not through the module): what the module signs verifies, what is
 * signed here verifies in the module, and tampering fails.
 */
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const verify = (msg: string, sig: string) =>
  createVerify('RSA-SHA256').update(msg).verify(merchant.publicKey, sig, 'base64');

test('the Authorization header signs METHOD, path with query, timestamp, nonce and body', () => {
  const body = '{"mchid":"1900000109"}';
  const header = authorization(
    { mchid: '1900000109', serialNo: 'ABC123', privateKey: merchant.privateKey },
    'post',
    '/v3/pay/transactions/out-trade-no/HY1/close',
    body,
    1700000000,
    'n0nce',
  );
  const f = parseAuthorization(header)!;
  expect(header.startsWith('WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="n0nce",signature="')).toBe(true);
  expect(f).toMatchObject({ mchid: '1900000109', nonce_str: 'n0nce', timestamp: '1700000000', serial_no: 'ABC123' });
  expect(verify(`POST\n/v3/pay/transactions/out-trade-no/HY1/close\n1700000000\nn0nce\n${body}\n`, f.signature)).toBe(
    true,
  );
  expect(verify(`POST\n/v3/pay/transactions/out-trade-no/HY2/close\n1700000000\nn0nce\n${body}\n`, f.signature)).toBe(
    false,
  );
  // A GET signs an empty body.
  const get = parseAuthorization(
    authorization({ mchid: '1', serialNo: 's', privateKey: merchant.privateKey }, 'GET', '/v3/x?mchid=1', '', 1, 'n'),
  )!;
  expect(verify('GET\n/v3/x?mchid=1\n1\nn\n\n', get.signature)).toBe(true);
});

test('paySign is SHA256withRSA over appId, timeStamp, nonceStr and package, each line ended by \\n', () => {
  const sig = paySign(
    merchant.privateKey,
    'wx8888888888888888',
    '1414561699',
    '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    'prepay_id=wx201410272009395522657a690389285100',
  );
  expect(
    verify(
      'wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n',
      sig,
    ),
  ).toBe(true);
});

test('WeChat Pay signatures: good, other body, other serial, stale timestamp', () => {
  const body = '{"code":"SUCCESS"}';
  const sig = createSign('RSA-SHA256').update(`1700000000\nabc\n${body}\n`).sign(platform.privateKey, 'base64');
  const key = { serial: 'PUB_KEY_ID_1', publicKey: platform.publicKey };
  const h = { signature: sig, timestamp: '1700000000', nonce: 'abc', serial: 'PUB_KEY_ID_1' };
  expect(verifySigned(h, body, key, 1700000100)).toBe('ok');
  expect(verifySigned(h, `${body} `, key, 1700000100)).toBe('signature');
  expect(verifySigned({ ...h, serial: 'PUB_KEY_ID_2' }, body, key, 1700000100)).toBe('serial');
  expect(verifySigned(h, body, key, 1700000000 + 301)).toBe('stale');
  expect(verifySigned(h, body, key, 1700000000 - 301)).toBe('stale');
  expect(verifySigned({ ...h, signature: undefined }, body, key, 1700000000)).toBe('signature');
  expect(verifySigned({ ...h, signature: 'not base64 at all' }, body, key, 1700000000)).toBe('signature');
});

test('AEAD_AES_256_GCM: a resource encrypted here decrypts; a changed tag, text or associated data throws', () => {
  const apiV3Key = 'abcdefghijklmnopqrstuvwxyz012345';
  const plain = '{"out_trade_no":"HY1","trade_state":"SUCCESS","amount":{"total":100}}';
  const c = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from('noncenonce12'));
  c.setAAD(Buffer.from('transaction'));
  const ciphertext = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]).toString('base64');
  const r = { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: 'noncenonce12' };
  expect(decryptResource(apiV3Key, r)).toBe(plain);
  const bytes = Buffer.from(ciphertext, 'base64');
  bytes[bytes.length - 1] ^= 1;
  expect(() => decryptResource(apiV3Key, { ...r, ciphertext: bytes.toString('base64') })).toThrow();
  expect(() => decryptResource(apiV3Key, { ...r, associated_data: 'refund' })).toThrow();
  expect(() => decryptResource('bbcdefghijklmnopqrstuvwxyz012345', r)).toThrow();
  expect(() => decryptResource(apiV3Key, { ...r, algorithm: 'AES_128' })).toThrow();
});
