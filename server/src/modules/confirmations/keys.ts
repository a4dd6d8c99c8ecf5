import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupRow } from './store';

/** Constant-time string comparison (codes and token MACs). */
export const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * What a request's id derives, with a key from the server secret: the member
 * token the clerk gets (`<id>.<mac>`) and the 6 digits the member reads out.
 * Nothing secret is stored, and any instance checks them.
 */
export class RequestKeys {
  private readonly key: Buffer;
  constructor(serverSecret: string) {
    this.key = createHmac('sha256', serverSecret).update('counter-lookup').digest();
  }

  tokenOf(id: string): string {
    return `${id}.${this.mac(`token:${id}`)}`;
  }

  /** The request id of a genuine token; null for anything else. */
  idOf(token: string): string | null {
    const m = /^([a-f0-9]{32})\.([A-Za-z0-9_-]{43})$/.exec(token);
    return m && same(m[2], this.mac(`token:${m[1]}`)) ? m[1] : null;
  }

  /** The 6 digits the member reads to the clerk. */
  codeOf(id: string): string {
    return String(createHmac('sha256', this.key).update(`code:${id}`).digest().readUInt32BE(0) % 1_000_000).padStart(
      6,
      '0',
    );
  }

  private mac(v: string): string {
    return createHmac('sha256', this.key).update(v).digest('base64url');
  }
}

/**
 * What the clerk who asked sees of a request (a lookup or a redeem): its state
 * and, once confirmed and inside its window, the member token. Rejected and
 * unreached requests look pending until they expire.
 */
export function clerkState(keys: RequestKeys, row: LookupRow, now: number) {
  const confirmed = row.status === 'confirmed' && (row.token_expires_at ?? 0) > now;
  const status: 'pending' | 'confirmed' | 'used' | 'expired' =
    row.status === 'used'
      ? 'used'
      : confirmed
        ? 'confirmed'
        : row.status !== 'confirmed' && row.expires_at > now
          ? 'pending'
          : 'expired';
  return {
    requestId: row.id,
    status,
    memberToken: confirmed ? keys.tokenOf(row.id) : null,
    tokenExpiresAt: confirmed ? new Date(row.token_expires_at!).toISOString() : null,
  };
}
