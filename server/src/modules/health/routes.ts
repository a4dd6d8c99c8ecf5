import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { buildOpenApi } from '../../http/openapi';

export function healthRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.healthz, async (ctx) => {
    try {
      await c.db.ping();
    } catch (err) {
      ctx.state.log.error({ err }, 'database health check failed');
      throw new AppError('SERVICE_UNAVAILABLE', 'The database does not respond');
    }
    return { status: 'ok' as const, database: 'ok' as const, dialect: c.db.dialect };
  });

  r.add(endpoints.readyz, async () => {
    if (!c.isReady()) throw new AppError('SERVICE_UNAVAILABLE', 'Starting');
    return { status: 'ready' as const };
  });

  const doc = buildOpenApi();
  r.add(endpoints.openapi, async () => doc);
}
