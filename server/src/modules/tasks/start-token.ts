import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The browse task's start token: `<member>.<task>.<start ms>.<business date>.<mac>`,
 * an HMAC-SHA256 under a key derived from the server secret. Stateless, so any
 * instance checks a token another one made; the start time is the server's.
 */
export interface StartClaim {
  memberId: number;
  code: string;
  startMs: number;
  date: string;
}

export class StartTokens {
  private readonly key: Buffer;
  constructor(serverSecret: string) {
    // A key of its own: a start token can never pass for any other signed value.
    this.key = createHmac('sha256', serverSecret).update('task-start-token').digest();
  }

  sign(c: StartClaim): string {
    const body = `${c.memberId}.${c.code}.${c.startMs}.${c.date}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The claim when the signature holds, else null (malformed or forged). */
  verify(token: string): StartClaim | null {
    const m =
      /^([1-9][0-9]{0,15})\.([a-z][a-z0-9_]{1,31})\.([0-9]{1,16})\.([0-9]{4}-[0-9]{2}-[0-9]{2})\.([A-Za-z0-9_-]{43})$/.exec(
        token,
      );
    if (!m) return null;
    const body = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
    const want = Buffer.from(this.mac(body));
    const got = Buffer.from(m[5]);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    return { memberId: Number(m[1]), code: m[2], startMs: Number(m[3]), date: m[4] };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
