import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { buildOpenApi } from '../../http/openapi';

/**
 * Probes. /livez is the process only: a liveness probe that touched the database
 * would restart every instance when the database blips. /readyz is what the load
 * balancer routes on: started, not draining for shutdown, database answering.
 * /healthz keeps its old meaning (database answers) for existing monitors.
 */
export function healthRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.livez, async () => ({ status: 'live' as const }));

  const ping = async (log: { error(o: object, m: string): void }) => {
    try {
      await c.db.ping();
    } catch (err) {
      log.error({ err }, 'database health check failed');
      throw new AppError('SERVICE_UNAVAILABLE', 'The database does not respond');
    }
  };

  r.add(endpoints.healthz, async (ctx) => {
    await ping(ctx.state.log);
    return { status: 'ok' as const, database: 'ok' as const, dialect: c.db.dialect };
  });

  r.add(endpoints.readyz, async (ctx) => {
    if (!c.isReady()) throw new AppError('SERVICE_UNAVAILABLE', 'Starting or shutting down');
    await ping(ctx.state.log);
    return { status: 'ready' as const };
  });

  const doc = buildOpenApi();
  r.add(endpoints.openapi, async () => doc);
}
