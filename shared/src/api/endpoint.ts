import type { z } from 'zod';
import type { ErrorCode } from './errors';

/**
 * One HTTP endpoint: the single source of truth for its validation (server),
 * its types (miniapp) and its OpenAPI description (/api/openapi.json).
 * Paths use Koa syntax (`:id`); the OpenAPI generator converts them.
 */
export interface Endpoint {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'member' | 'staff' | 'operator';
  body?: z.ZodType;
  /** The body is a file, not JSON: its bytes with one of these types, or multipart/form-data with one file. */
  upload?: readonly string[];
  query?: z.ZodType;
  params?: z.ZodType;
  response: z.ZodType;
  /** Requires an Idempotency-Key header (client-made, reused on retry). */
  idempotencyKey?: boolean;
  errors?: ErrorCode[];
  status?: number;
}

export function endpoint<E extends Endpoint>(e: E): E {
  return e;
}

export type BodyOf<E extends Endpoint> = E['body'] extends z.ZodType ? z.infer<E['body']> : undefined;
export type QueryOf<E extends Endpoint> = E['query'] extends z.ZodType ? z.infer<E['query']> : undefined;
export type ResponseOf<E extends Endpoint> = z.infer<E['response']>;
