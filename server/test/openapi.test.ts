import { endpoints, type Endpoint } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => { t = await startTestServer(); });
afterAll(async () => { await t.close(); });

test('/api/openapi.json describes every endpoint: path, method, auth, parameters, bodies and error codes', async () => {
  const res = await t.http('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  const doc = res.body;
  expect(doc.openapi).toBe('3.0.3');
  const all = Object.entries(endpoints as Record<string, Endpoint>);
  expect(all.length).toBeGreaterThanOrEqual(60);
  for (const [name, e] of all) {
    const path = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = doc.paths[path]?.[e.method];
    expect([name, !!op]).toEqual([name, true]);
    expect(op.operationId).toBe(name);
    if (e.body) {
      const schema = op.requestBody?.content?.['application/json']?.schema ?? {};
      expect([name, Boolean(schema.type || schema.anyOf || schema.oneOf || schema.allOf)]).toEqual([name, true]);
    }
    if (e.auth !== 'none') expect(op.responses['401']).toBeDefined();
    if (e.body) expect(op.responses['400'].description).toContain('VALIDATION_FAILED');
    for (const m of e.path.matchAll(/:([A-Za-z0-9_]+)/g)) expect(op.parameters.some((p: { name: string; in: string }) => p.name === m[1] && p.in === 'path')).toBe(true);
    if (e.idempotencyKey) expect(op.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key')).toBe(true);
  }
  expect(new Set(Object.values(doc.paths).flatMap((p) => Object.values(p as Record<string, { operationId: string }>).map((o) => o.operationId))).size).toBe(all.length);
  expect(doc.paths['/api/staff/checkout'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['memberCode', 'orderNo', 'amountCents']));
});

test('unknown routes answer 404 and wrong methods 405, with the error body, never 500', async () => {
  const r = await t.http('GET', '/api/nope');
  expect(r.status).toBe(404);
  expect(r.body).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
  const wrong = await t.http('DELETE', '/api/me');
  expect([wrong.status, wrong.body.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  expect((await t.http('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  expect((await t.http('GET', '/readyz')).status).toBe(200);
});
