import type { BodyOf, Endpoints, ResponseOf } from '@huiyuan/shared';

/**
 * Request and response types by endpoint name, read from shared's endpoint
 * table (shared/src/api/endpoints.ts): the same description the server
 * validates with, so a change there is a compile error here. Types only: the
 * zod schemas themselves never reach the bundle.
 *
 *   api.get<ResponseFor<'getCheckin'>>('/api/me/checkin')
 */
type EndpointName = keyof Endpoints;
export type ResponseFor<K extends EndpointName> = ResponseOf<Endpoints[K]>;
export type BodyFor<K extends EndpointName> = BodyOf<Endpoints[K]>;
