import net from 'node:net';
import { ERRORS, ErrorBody, type ErrorCode } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { scalar } from './ledger-invariants';

/**
 * Bad input to login, PATCH /api/me and the operator adjustment: always the stable
 * error body with the status of its code, never a 500, and nothing written.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // Members type their phone in these tests (by default it comes from WeChat's getPhoneNumber).
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, t.clock.now()));
});
afterAll(async () => {
  await t.close();
});

const JSON_CT = { 'content-type': 'application/json' };
const KEYS = new Set(['code', 'message', 'details', 'requestId']);

/** Checks the error contract of a response and returns its code. */
function errorOf(r: { status: number; body: any }, label: string): ErrorCode {
  expect([label, r.status < 500]).toEqual([label, true]);
  expect([label, ErrorBody.safeParse(r.body).success, Object.keys(r.body ?? {}).every((k) => KEYS.has(k))]).toEqual([
    label,
    true,
    true,
  ]);
  expect([label, r.status]).toEqual([label, ERRORS[r.body.code as ErrorCode].status]);
  return r.body.code;
}

/** Row counts of every table a refused request could have touched. */
const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['members', 'points_accounts', 'points_entries', 'points_lots', 'audit_log', 'outbox'].map(
        async (tbl) => [tbl, await scalar(t, `SELECT COUNT(*) AS n FROM ${tbl}`)] as const,
      ),
    ),
  );
const wechatLogins = () => t.fake.calls.filter((c) => c.path === '/sns/jscode2session').length;
/** 30,000 nested arrays: tiny on the wire, deep for a recursive parser. */
const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;

test('login: bad bodies are 400 VALIDATION_FAILED before WeChat is called', async () => {
  const before = await counts();
  const calls = wechatLogins();
  const bad: unknown[] = [
    {},
    { code: '' },
    { code: 123 },
    { code: null },
    { code: ['a:1'] },
    { code: { $gt: '' } },
    { code: 'x'.repeat(129) },
    { code: 'ok:1', ref: 'r'.repeat(33) },
    { code: 'ok:1', ref: 5 },
    { code: 'ok:1', extra: true },
    { code: 'ok:1', openid: 'ofk-someone-else' },
    [],
    ['code'],
  ];
  for (const body of bad) {
    const r = await t.http('POST', '/api/auth/login', { body });
    expect([JSON.stringify(body), errorOf(r, JSON.stringify(body))]).toEqual([
      JSON.stringify(body),
      'VALIDATION_FAILED',
    ]);
  }
  for (const [raw, code] of [
    // The JSON parser refuses __proto__ keys outright; constructor is an unknown key.
    ['{"code":"ok:1","__proto__":{"admin":true}}', 'MALFORMED_BODY'],
    ['{"code":"ok:1","constructor":{"prototype":{"admin":true}}}', 'VALIDATION_FAILED'],
    [`{"code":${deep}}`, 'VALIDATION_FAILED'],
  ]) {
    const r = await t.http('POST', '/api/auth/login', { raw, headers: JSON_CT });
    expect([raw.slice(0, 40), errorOf(r, raw.slice(0, 40))]).toEqual([raw.slice(0, 40), code]);
  }
  expect(({} as Record<string, unknown>).admin).toBeUndefined(); // the server runs in this process: nothing was polluted
  expect(wechatLogins()).toBe(calls);
  expect(await counts()).toEqual(before);
  expect((await t.http('POST', '/api/auth/login', { body: { code: 'x'.repeat(120) } })).status).toBe(200); // 128 is the limit, not less
});

test('PATCH /api/me: unknown fields, wrong types and bad values are refused and change nothing', async () => {
  const m = await t.login('val-patch');
  expect(
    (await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: 'Before', privacyConsentVersion: 'v1' } }))
      .status,
  ).toBe(200);
  const me = async () => (await t.http('GET', '/api/me', { token: m.token })).body;
  const profile = await me();
  const row = () =>
    t.ctx.db.read((q) => q.one<Record<string, unknown>>('SELECT * FROM members WHERE id = ?', [m.memberId]));
  const rowBefore = await row();
  const before = await counts();
  const bad: unknown[] = [
    { points: 100 },
    { tier: 'gold' },
    { balance: 1 },
    { openid: 'x' },
    { status: 'deleted' },
    { tokenVersion: 9 },
    { id: '2' },
    { nickname: 'Mallory', points: 100 },
    { nickname: 'Mallory', tier: 'gold' },
    {},
    [],
    { nickname: 123 },
    { nickname: null },
    { nickname: '' },
    { nickname: '   ' },
    { nickname: 'x'.repeat(33) },
    { nickname: ['a'] },
    { nickname: { a: 1 } },
    { birthday: '1990-13-01' },
    { birthday: '1990-02-30' },
    { birthday: '19900101' },
    { birthday: '1990/01/02' },
    { birthday: 19900101 },
    { birthday: '' },
    { birthday: '1990-01-02T00:00:00Z' },
    { birthday: null },
    { phone: '12345' },
    { phone: '1381234567' },
    { phone: '138123456789' },
    { phone: '12812345678' },
    { phone: 13812345678 },
    { phone: '+8613812345678x' },
    { privacyConsentVersion: '' },
    { privacyConsentVersion: 'v'.repeat(33) },
    { privacyConsentVersion: 1 },
  ];
  for (const body of bad) {
    const r = await t.http('PATCH', '/api/me', { token: m.token, body });
    expect([JSON.stringify(body), errorOf(r, JSON.stringify(body))]).toEqual([
      JSON.stringify(body),
      'VALIDATION_FAILED',
    ]);
  }
  for (const [raw, code] of [
    ['{"__proto__":{"nickname":"Proto"}}', 'MALFORMED_BODY'],
    ['{"nickname":"Proto","__proto__":{"admin":true}}', 'MALFORMED_BODY'],
    ['{"constructor":{"prototype":{"admin":true}}}', 'VALIDATION_FAILED'],
    ['{"nickname":"Proto","constructor":{"name":"x"}}', 'VALIDATION_FAILED'],
    ['{"nickname":"A","nickname":"B","points":1}', 'VALIDATION_FAILED'],
    [`{"nickname":${deep}}`, 'VALIDATION_FAILED'],
  ]) {
    const r = await t.http('PATCH', '/api/me', { token: m.token, raw, headers: JSON_CT });
    expect([raw.slice(0, 40), errorOf(r, raw.slice(0, 40))]).toEqual([raw.slice(0, 40), code]);
  }
  expect(({} as Record<string, unknown>).admin).toBeUndefined();
  expect(await me()).toEqual(profile);
  expect(await row()).toEqual(rowBefore);
  expect(await counts()).toEqual(before);
  expect(await scalar(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(0);
  // The one value on the far side of each bound is refused above; the bound itself passes.
  const ok = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: ` ${'y'.repeat(32)} `, phone: '+8613812345678', birthday: '2000-02-29' },
  });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ nickname: 'y'.repeat(32), phoneMasked: '138****5678', birthday: '2000-02-29' });
});

test('admin adjustment: bad amounts, ids, reasons and keys are 400 and write nothing; the bounds themselves pass', async () => {
  const op = await t.staffToken('operator');
  const m = await t.login('val-adjust');
  const good = { memberId: String(m.memberId), delta: 10, reason: 'valid reason', idempotencyKey: 'val-adj-0000' };
  const before = await counts();
  const variants: Record<string, unknown>[] = [
    { delta: 0 },
    { delta: -0 },
    { delta: 1.5 },
    { delta: -0.5 },
    { delta: 2 ** 31 },
    { delta: -(2 ** 31) },
    { delta: 1e300 },
    { delta: '10' },
    { delta: null },
    { delta: true },
    { delta: [10] },
    { delta: undefined },
    { memberId: undefined },
    { reason: undefined },
    { idempotencyKey: undefined },
    { memberId: m.memberId },
    { memberId: '0' },
    { memberId: '-1' },
    { memberId: '01' },
    { memberId: 'abc' },
    { memberId: '1'.repeat(20) },
    { memberId: `${m.memberId} ` },
    { reason: '' },
    { reason: ' a ' },
    { reason: 'r'.repeat(201) },
    { reason: 42 },
    { idempotencyKey: 'short7x' },
    { idempotencyKey: 'k'.repeat(65) },
    { idempotencyKey: 'has space 01' },
    { idempotencyKey: 'slash/0001' },
    { idempotencyKey: 12345678 },
    { operatorId: '1' },
    { type: 'credit' },
    { balance: 999 },
  ];
  for (const v of variants) {
    const body = { ...good, ...v };
    const r = await t.http('POST', '/api/admin/points/adjustments', { token: op.token, body });
    expect([JSON.stringify(v), errorOf(r, JSON.stringify(v))]).toEqual([JSON.stringify(v), 'VALIDATION_FAILED']);
  }
  for (const [raw, code] of [
    [
      `{"memberId":"${m.memberId}","delta":10,"reason":"ok reason","idempotencyKey":"val-adj-proto","__proto__":{"delta":5}}`,
      'MALFORMED_BODY',
    ],
    [
      `{"memberId":"${m.memberId}","delta":10,"reason":"ok reason","idempotencyKey":"val-adj-ctor","constructor":{}}`,
      'VALIDATION_FAILED',
    ],
  ]) {
    expect(
      errorOf(await t.http('POST', '/api/admin/points/adjustments', { token: op.token, raw, headers: JSON_CT }), raw),
    ).toBe(code);
  }
  expect(await counts()).toEqual(before);
  // Well-formed ids of nobody (even past 2^53) are 404, not a crash.
  for (const id of ['999999999', '9007199254740993', '9'.repeat(19)]) {
    const r = await t.http('POST', '/api/admin/points/adjustments', {
      token: op.token,
      body: { ...good, memberId: id, idempotencyKey: `val-nobody-${id.length}` },
    });
    expect([id, errorOf(r, id)]).toEqual([id, 'MEMBER_NOT_FOUND']);
  }
  expect(await counts()).toEqual(before);
  const max = await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { ...good, delta: 2 ** 31 - 1, idempotencyKey: 'val-adj-max1' },
  });
  expect(max.body).toMatchObject({ delta: 2 ** 31 - 1, balanceAfter: 2 ** 31 - 1 });
  const twice = await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { ...good, delta: 2 ** 31 - 1, idempotencyKey: 'val-adj-max2' },
  });
  expect(twice.body.balanceAfter).toBe(2 * (2 ** 31 - 1)); // sums live in BIGINT
  const back = await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { ...good, delta: -(2 ** 31 - 1), idempotencyKey: 'val-adj-min1' },
  });
  expect(back.body).toMatchObject({ delta: -(2 ** 31 - 1), balanceAfter: 2 ** 31 - 1 });
});

test('transport errors: too large (413), not JSON (415), malformed JSON (400), with the error body, on every write endpoint', async () => {
  const m = await t.login('val-transport');
  const op = await t.staffToken('operator');
  const targets: [string, string, string | undefined][] = [
    ['POST', '/api/auth/login', undefined],
    ['PATCH', '/api/me', m.token],
    ['POST', '/api/admin/points/adjustments', op.token],
  ];
  const before = await counts();
  const calls = wechatLogins();
  for (const [method, path, token] of targets) {
    const send = (raw: string | undefined, headers: Record<string, string>) =>
      t.http(method, path, { token, raw, headers });
    const cases: [string, () => Promise<{ status: number; body: any }>, ErrorCode][] = [
      [
        'huge',
        () => send(JSON.stringify({ code: 'a:1', nickname: 'n', pad: 'x'.repeat(70 * 1024) }), JSON_CT),
        'BODY_TOO_LARGE',
      ],
      ['huge, no pad field', () => send(`{"code":"${'x'.repeat(1024 * 1024)}"}`, JSON_CT), 'BODY_TOO_LARGE'],
      ['text/plain', () => send('{"nickname":"t"}', { 'content-type': 'text/plain' }), 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'form',
        () => send('nickname=t&code=a', { 'content-type': 'application/x-www-form-urlencoded' }),
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'multipart',
        () =>
          send('--b\r\nContent-Disposition: form-data; name="nickname"\r\n\r\nt\r\n--b--\r\n', {
            'content-type': 'multipart/form-data; boundary=b',
          }),
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['xml', () => send('<nickname>t</nickname>', { 'content-type': 'application/xml' }), 'UNSUPPORTED_MEDIA_TYPE'],
      ['truncated', () => send('{"nickname": "a",', JSON_CT), 'MALFORMED_BODY'],
      ['single quotes', () => send("{'nickname': 'a'}", JSON_CT), 'MALFORMED_BODY'],
      ['trailing garbage', () => send('{"nickname": "a"} x', JSON_CT), 'MALFORMED_BODY'],
      ['bare word', () => send('nickname', JSON_CT), 'MALFORMED_BODY'],
      ['NaN', () => send('{"delta": NaN}', JSON_CT), 'MALFORMED_BODY'],
      // Strict JSON: a body is an object (or array), never a bare scalar.
      ['null', () => send('null', JSON_CT), 'MALFORMED_BODY'],
      ['string', () => send('"nickname"', JSON_CT), 'MALFORMED_BODY'],
      ['number', () => send('42', JSON_CT), 'MALFORMED_BODY'],
    ];
    for (const [label, p, code] of cases) {
      const r = await p();
      expect([method, path, label, errorOf(r, `${path} ${label}`)]).toEqual([method, path, label, code]);
    }
    // Streamed (chunked, no Content-Length) bodies meet the same limit.
    const big = new TextEncoder().encode(`{"pad":"${'x'.repeat(200 * 1024)}"}`);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < big.length; i += 16 * 1024) c.enqueue(big.subarray(i, i + 16 * 1024));
        c.close();
      },
    });
    const res = await fetch(t.url + path, {
      method,
      body: stream,
      duplex: 'half',
      headers: { ...JSON_CT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    } as RequestInit);
    expect([path, 'chunked', res.status, (await res.json()).code]).toEqual([path, 'chunked', 413, 'BODY_TOO_LARGE']);
  }
  expect(wechatLogins()).toBe(calls);
  expect(await counts()).toEqual(before);
  expect((await t.http('GET', '/api/me', { token: m.token })).body.nickname).toBeNull();
});

test('a chunked body over the limit gets 413 and its connection closed, so it cannot stall the next request', async () => {
  const sock = net.connect(Number(new URL(t.url).port), '127.0.0.1');
  let got = '';
  sock.on('data', (d) => {
    got += d.toString();
  });
  const closed = new Promise<boolean>((resolve) => {
    sock.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 2000).unref();
  });
  sock.on('error', () => undefined);
  await new Promise((r) => sock.on('connect', r));
  sock.write(
    'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  const chunk = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 6; i++) sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  const wasClosed = await closed;
  sock.destroy();
  expect(got).toMatch(/^HTTP\/1\.1 413 /);
  expect(got).toMatch(/\r\nconnection: close\r\n/i);
  expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)).code).toBe('BODY_TOO_LARGE');
  expect(wasClosed).toBe(true);
});

test('no request of this file was an unexpected (logged) error', () => {
  const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level >= 50 || /unhandled/.test(String(l.msg)));
  expect(errors).toEqual([]);
  const statuses = t.logs
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'request')
    .map((l) => l.status);
  expect(statuses.length).toBeGreaterThan(100);
  expect(statuses.filter((s: number) => s >= 500)).toEqual([]);
});
