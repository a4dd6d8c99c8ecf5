import { z } from 'zod';
import { ERRORS, ErrorBody, IDEMPOTENCY_KEY_PATTERN, endpoints, type Endpoint } from '@huiyuan/shared';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Json;

/** Koa `/a/:id` -> OpenAPI `/a/{id}`. */
const openapiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A file upload: the raw bytes with their type, or a form with one file field. */
function uploadBody(types: readonly string[]): Json {
  const binary = { type: 'string', format: 'binary' };
  return {
    required: true,
    content: {
      ...Object.fromEntries(types.map((t) => [t, { schema: binary }])),
      'multipart/form-data': { schema: { type: 'object', properties: { file: binary }, required: ['file'] } },
    },
  };
}

function operation(name: string, e: Endpoint): Json {
  const parameters: Json[] = [];
  const ps = e.params ? ((schemaOf(e.params, 'input') as { properties?: Record<string, Json> }).properties ?? {}) : {};
  for (const m of e.path.matchAll(/:([A-Za-z0-9_]+)/g))
    parameters.push({ name: m[1], in: 'path', required: true, schema: ps[m[1]] ?? { type: 'string' } });
  if (e.query) {
    const qs = schemaOf(e.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [prop, schema] of Object.entries(qs.properties ?? {})) {
      parameters.push({ name: prop, in: 'query', required: (qs.required ?? []).includes(prop), schema });
    }
  }
  if (e.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Made by the client, stored before sending, reused on every retry of the same operation',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
    });
  }
  const codes = new Set(e.errors ?? []);
  if (e.auth !== 'none') ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED'].forEach((c) => codes.add(c as never));
  if (e.auth === 'operator' || e.auth === 'staff') codes.add('FORBIDDEN');
  if (e.body)
    ['MALFORMED_BODY', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED'].forEach((c) =>
      codes.add(c as never),
    );
  const byStatus = new Map<number, string[]>();
  for (const c of codes) byStatus.set(ERRORS[c].status, [...(byStatus.get(ERRORS[c].status) ?? []), c]);
  const responses: Json = {
    [String(e.status ?? 200)]: {
      description: 'OK',
      content: { 'application/json': { schema: schemaOf(e.response, 'output') } },
    },
  };
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: `Error codes: ${list.join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: name,
    summary: e.summary,
    tags: [e.tag],
    ...(e.auth === 'none'
      ? { security: [] }
      : { security: [{ [e.auth === 'member' ? 'memberToken' : 'staffToken']: [] }] }),
    ...(parameters.length ? { parameters } : {}),
    ...(e.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(e.body, 'input') } } } }
      : {}),
    ...(e.upload ? { requestBody: uploadBody(e.upload) } : {}),
    responses,
    ...(e.auth === 'operator' ? { 'x-roles': ['operator'] } : {}),
  };
}

/** The OpenAPI 3.0 document, built from the same endpoint definitions the server validates with. */
export function buildOpenApi(): Json {
  const paths: Record<string, Json> = {};
  for (const [name, e] of Object.entries(endpoints) as [string, Endpoint][]) {
    const p = openapiPath(e.path);
    paths[p] = { ...(paths[p] ?? {}), [e.method]: operation(name, e) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Huiyuan API',
      version: '0.1.0',
      description:
        'Membership and loyalty for brands on WeChat. Errors always have the body {code, message, details?, requestId}; branch on `code`. ' +
        'Amounts are integer cents, points are integers, instants are ISO 8601, business dates are YYYY-MM-DD in the business timezone.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        memberToken: { type: 'http', scheme: 'bearer', description: 'From POST /api/auth/login' },
        staffToken: { type: 'http', scheme: 'bearer', description: 'From POST /api/staff/login' },
      },
      schemas: {
        Error: schemaOf(ErrorBody, 'output'),
        ErrorCodes: {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(ERRORS).map(([c, v]) => [
              c,
              { type: 'object', description: `HTTP ${v.status}: ${v.message}` },
            ]),
          ),
        },
      },
    },
    paths,
  };
}
