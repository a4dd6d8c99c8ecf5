import { ERRORS, endpoints, type Endpoint } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

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
    for (const m of e.path.matchAll(/:([A-Za-z0-9_]+)/g))
      expect(op.parameters.some((p: { name: string; in: string }) => p.name === m[1] && p.in === 'path')).toBe(true);
    if (e.idempotencyKey) expect(op.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key')).toBe(true);
  }
  expect(
    new Set(
      Object.values(doc.paths).flatMap((p) =>
        Object.values(p as Record<string, { operationId: string }>).map((o) => o.operationId),
      ),
    ).size,
  ).toBe(all.length);
  const checkoutBody = doc.paths['/api/staff/checkout'].post.requestBody.content['application/json'].schema;
  expect(checkoutBody.required).toEqual(expect.arrayContaining(['orderNo', 'amountCents']));
  // One of the two names the member: the scanned code, or a confirmed phone lookup's token.
  expect(Object.keys(checkoutBody.properties)).toEqual(expect.arrayContaining(['memberCode', 'memberToken']));
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

/** Keywords of an OpenAPI 3.0 Schema Object (3.1/JSON Schema 2020 ones such as const, $defs, prefixItems are not among them). */
const SCHEMA_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'default',
  'enum',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'items',
  'properties',
  'additionalProperties',
  'nullable',
  'discriminator',
  'readOnly',
  'writeOnly',
  'xml',
  'externalDocs',
  'example',
  'deprecated',
  '$ref',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** Problems of one 3.0 schema and everything under it, with their JSON paths. */
function schemaProblems(doc: any, s: any, at: string, out: string[] = []): string[] {
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    out.push(`${at}: not a schema object`);
    return out;
  }
  for (const k of Object.keys(s))
    if (!SCHEMA_KEYS.has(k) && !k.startsWith('x-')) out.push(`${at}: keyword ${k} is not OpenAPI 3.0`);
  if (s.$ref !== undefined) {
    const target = String(s.$ref).startsWith('#/')
      ? String(s.$ref)
          .slice(2)
          .split('/')
          .reduce((n: any, p: string) => n?.[p], doc)
      : undefined;
    if (!target) out.push(`${at}: $ref ${s.$ref} does not resolve`);
    return out;
  }
  if (s.type !== undefined && !(typeof s.type === 'string' && TYPES.has(s.type)))
    out.push(`${at}: type ${JSON.stringify(s.type)}`);
  if (s.type === 'array' && !s.items) out.push(`${at}: array without items`);
  for (const k of [
    'exclusiveMinimum',
    'exclusiveMaximum',
    'nullable',
    'uniqueItems',
    'readOnly',
    'writeOnly',
    'deprecated',
  ]) {
    if (s[k] !== undefined && typeof s[k] !== 'boolean') out.push(`${at}: ${k} must be a boolean in 3.0`);
  }
  if (s.enum !== undefined && (!Array.isArray(s.enum) || s.enum.length === 0)) out.push(`${at}: empty enum`);
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || s.required.length === 0 || s.required.some((r: unknown) => typeof r !== 'string'))
      out.push(`${at}: required must be a non-empty string array`);
    else if (s.properties)
      for (const r of s.required) if (!(r in s.properties)) out.push(`${at}: required ${r} is not a property`);
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern);
    } catch {
      out.push(`${at}: pattern does not compile`);
    }
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) schemaProblems(doc, v, `${at}.properties.${k}`, out);
  if (s.items) schemaProblems(doc, s.items, `${at}.items`, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    schemaProblems(doc, s.additionalProperties, `${at}.additionalProperties`, out);
  for (const k of ['allOf', 'oneOf', 'anyOf'])
    (s[k] ?? []).forEach((x: unknown, i: number) => schemaProblems(doc, x, `${at}.${k}[${i}]`, out));
  if (s.not) schemaProblems(doc, s.not, `${at}.not`, out);
  return out;
}

test('the document is structurally valid OpenAPI 3.0: operations, parameters, responses, schemas, refs, security', async () => {
  const doc = (await t.http('GET', '/api/openapi.json')).body;
  expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
  expect(typeof doc.info?.title).toBe('string');
  expect(typeof doc.info?.version).toBe('string');
  const problems: string[] = [];
  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {}))
    schemaProblems(doc, s, `components.schemas.${name}`, problems);
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    if (!path.startsWith('/') || path.includes(':')) problems.push(`${path}: not an OpenAPI path`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) {
        problems.push(`${at}: not a method`);
        continue;
      }
      const params: any[] = op.parameters ?? [];
      const seen = new Set<string>();
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(p.in) || typeof p.name !== 'string')
          problems.push(`${at}: bad parameter ${JSON.stringify(p)}`);
        if (seen.has(`${p.in}:${p.name}`)) problems.push(`${at}: duplicate parameter ${p.name}`);
        seen.add(`${p.in}:${p.name}`);
        if (p.in === 'path' && p.required !== true) problems.push(`${at}: path parameter ${p.name} must be required`);
        schemaProblems(doc, p.schema, `${at} parameter ${p.name}`, problems);
      }
      const declared = params
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      if (JSON.stringify(declared) !== JSON.stringify(templated))
        problems.push(`${at}: path parameters ${declared} vs template ${templated}`);
      // JSON bodies, and the raw or multipart bodies of uploads.
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}) as [string, any][])
        schemaProblems(doc, media.schema, `${at} requestBody ${type}`, problems);
      const statuses = Object.keys(op.responses ?? {});
      if (!statuses.some((c) => /^2\d\d$/.test(c))) problems.push(`${at}: no success response`);
      for (const [code, res] of Object.entries(op.responses ?? {}) as [string, any][]) {
        if (!/^[1-5]\d\d$/.test(code) && code !== 'default') problems.push(`${at}: response key ${code}`);
        if (typeof res.description !== 'string') problems.push(`${at} ${code}: no description`);
        const schema = res.content?.['application/json']?.schema;
        if (schema) schemaProblems(doc, schema, `${at} ${code}`, problems);
        if (/^[45]/.test(code) && schema?.$ref !== '#/components/schemas/Error')
          problems.push(`${at} ${code}: error response without the Error schema`);
      }
      for (const req of op.security ?? [])
        for (const k of Object.keys(req))
          if (!schemes.includes(k)) problems.push(`${at}: unknown security scheme ${k}`);
    }
  }
  expect(problems).toEqual([]);
  // The checker itself catches 3.1-isms and broken refs.
  expect(
    schemaProblems(
      doc,
      { type: ['string', 'null'], const: 'x', properties: { a: { $ref: '#/components/schemas/Nope' } } },
      'probe',
    ),
  ).toHaveLength(3);
});

test('every error code an endpoint declares is documented under its HTTP status; bodies are strict objects', async () => {
  const doc = (await t.http('GET', '/api/openapi.json')).body;
  for (const [name, e] of Object.entries(endpoints as Record<string, Endpoint>)) {
    const op = doc.paths[e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')][e.method];
    for (const code of e.errors ?? []) {
      expect([name, code, op.responses[String(ERRORS[code].status)]?.description ?? '']).toEqual([
        name,
        code,
        expect.stringContaining(code),
      ]);
    }
    if (e.body) {
      expect([name, op.responses['413']?.description, op.responses['415']?.description]).toEqual([
        name,
        expect.stringContaining('BODY_TOO_LARGE'),
        expect.stringContaining('UNSUPPORTED_MEDIA_TYPE'),
      ]);
      const schema = op.requestBody.content['application/json'].schema;
      if (schema.type === 'object') expect([name, schema.additionalProperties]).toEqual([name, false]);
    }
  }
  // The Error schema matches what the server really sends.
  const errorSchema = doc.components.schemas.Error;
  expect(errorSchema.required).toEqual(expect.arrayContaining(['code', 'message']));
  const real = [
    await t.http('GET', '/api/nope'),
    await t.http('GET', '/api/me'),
    await t.http('POST', '/api/auth/login', { body: { nope: 1 } }),
  ];
  for (const r of real) {
    for (const k of errorSchema.required) expect(r.body).toHaveProperty(k);
    expect(Object.keys(r.body).every((k) => k in errorSchema.properties)).toBe(true);
    expect(errorSchema.properties.code.enum).toContain(r.body.code);
  }
});
