import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { normalizePhone } from '@huiyuan/shared';

/**
 * Phone numbers at rest: AES-256-GCM with a random IV (stored as `v1.<base64>`),
 * plus a keyed HMAC of the normalised number so operators can search by phone
 * without the database ever holding it in clear.
 */
export class PhoneCrypto {
  constructor(
    private readonly encKey: Buffer,
    private readonly hmacKey: Buffer,
  ) {
    if (encKey.length !== 32) throw new Error('phone encryption key must be 32 bytes');
  }

  encrypt(phone: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(normalizePhone(phone), 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1.')) throw new Error('unknown phone cipher version');
    const buf = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
  }

  lookupHash(phone: string): string {
    return createHmac('sha256', this.hmacKey).update(normalizePhone(phone)).digest('hex');
  }
}
