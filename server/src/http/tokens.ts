import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { StaffRole } from '@huiyuan/shared';
import { AppError } from '../core/errors';

/**
 * Signed bearer tokens (HS256 only: `alg: none` and key confusion are refused by
 * pinning the algorithm). Member and staff tokens have different audiences, so
 * one can never pass for the other. `ver` lets an account revoke every token.
 */
export interface MemberClaims {
  sub: string;
  ver: number;
}
export interface StaffClaims {
  sub: string;
  ver: number;
  role: StaffRole;
  store: string | null;
}

const ISSUER = 'huiyuan';
/**
 * Tokens already verified, by their exact text: a member's app sends the same
 * token on every call (the open card polls every 3 s), and checking its HMAC and
 * decoding it again was a few percent of a card read's CPU. Only a byte-identical
 * token hits, its claims cannot change, and expiry is still checked on every use;
 * revocation is the account row's check, which every call still makes. Oldest
 * first out past VERIFIED_KEPT.
 */
const VERIFIED_KEPT = 10_000;

export class Tokens {
  // One KeyObject for the process: jsonwebtoken would otherwise build one per call, which dominated CPU under load.
  private readonly secret: KeyObject;
  private readonly verified = new Map<string, { audience: string; exp: number; claims: unknown }>();
  constructor(
    secret: string,
    private readonly memberTtl: number,
    private readonly staffTtl: number,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  signMember(memberId: number, ver: number, now: Date): { token: string; expiresAt: Date } {
    return this.sign({ sub: String(memberId), ver }, 'member', this.memberTtl, now);
  }

  signStaff(
    c: { staffId: number; ver: number; role: StaffRole; storeId: number | null },
    now: Date,
  ): { token: string; expiresAt: Date } {
    return this.sign(
      { sub: String(c.staffId), ver: c.ver, role: c.role, store: c.storeId === null ? null : String(c.storeId) },
      'staff',
      this.staffTtl,
      now,
    );
  }

  verifyMember(token: string, now: Date): MemberClaims {
    return this.verify(token, 'member', now) as MemberClaims;
  }

  verifyStaff(token: string, now: Date): StaffClaims {
    return this.verify(token, 'staff', now) as StaffClaims;
  }

  private sign(payload: object, audience: string, ttl: number, now: Date) {
    const iat = Math.floor(now.getTime() / 1000);
    const token = jwt.sign({ ...payload, iat, exp: iat + ttl }, this.secret, {
      algorithm: 'HS256',
      audience,
      issuer: ISSUER,
    });
    return { token, expiresAt: new Date((iat + ttl) * 1000) };
  }

  private verify(token: string, audience: string, now: Date): unknown {
    const at = Math.floor(now.getTime() / 1000);
    const known = this.verified.get(token);
    if (known && known.audience === audience) {
      // As jsonwebtoken judges it: expired once the clock reaches exp.
      if (at >= known.exp) throw new AppError('TOKEN_EXPIRED');
      return known.claims;
    }
    try {
      const claims = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        audience,
        issuer: ISSUER,
        clockTimestamp: at,
      }) as { exp?: unknown };
      if (typeof claims.exp === 'number') {
        if (this.verified.size >= VERIFIED_KEPT) this.verified.delete(this.verified.keys().next().value!);
        this.verified.set(token, { audience, exp: claims.exp, claims });
      }
      return claims;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new AppError('TOKEN_EXPIRED');
      throw new AppError('TOKEN_INVALID');
    }
  }
}
