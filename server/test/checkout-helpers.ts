import { memberCode } from '@huiyuan/shared';
import type { TestServer } from './harness';

/** The code the member's card shows at `at` (default: the server clock), from the member's stored secret. */
export async function codeFor(t: TestServer, memberId: number, at: Date = t.clock.now()): Promise<string> {
  const row = await t.ctx.db.read((q) =>
    q.one<{ secret_hex: string }>('SELECT secret_hex FROM member_secrets WHERE member_id = ?', [memberId]),
  );
  if (!row) throw new Error(`no secret for member ${memberId}`);
  return memberCode(String(memberId), new Uint8Array(Buffer.from(row.secret_hex, 'hex')), at.getTime());
}

export async function count(t: TestServer, sql: string, params: unknown[] = []): Promise<number> {
  const row = await t.ctx.db.read((q) => q.one<{ n: number }>(sql, params));
  return Number(row?.n ?? 0);
}

let orderSeq = 0;
export const nextOrderNo = () => `T${Date.now().toString(36)}${++orderSeq}`;

export async function checkout(
  t: TestServer,
  token: string,
  memberId: number,
  amountCents: number,
  orderNo = nextOrderNo(),
) {
  // Each scan uses a code once: move the clock to the next 30 s step first.
  t.clock.advance(30_000);
  const memberCode = await codeFor(t, memberId);
  return t.http('POST', '/api/staff/checkout', { token, body: { memberCode, orderNo, amountCents } });
}

let adjustSeq = 0;
/** A member signed in as `identity` with `points` to spend (an operator's adjustment). */
export async function memberWithPoints(t: TestServer, operatorToken: string, identity: string, points: number) {
  const m = await t.login(identity);
  const res = await t.http('POST', '/api/admin/points/adjustments', {
    token: operatorToken,
    body: {
      memberId: String(m.memberId),
      delta: points,
      reason: 'opening balance',
      idempotencyKey: `opening-${identity}-${++adjustSeq}`,
    },
  });
  expect(res.status).toBe(200);
  return m;
}
