import { z } from 'zod';

export const HealthResponse = z.object({
  status: z.enum(['ok', 'error']),
  database: z.enum(['ok', 'error']),
  dialect: z.enum(['mysql', 'sqlite']),
});
export const LiveResponse = z.object({ status: z.literal('live') });
export const ReadyResponse = z.object({ status: z.enum(['ready', 'starting']) });
