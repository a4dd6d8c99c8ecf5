import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from './core/config';
import type { Logger } from './core/logger';
import { systemClock, type Clock } from './core/clock';
import { createDataSource, initDataSource } from './db/data-source';
import { compose, markReady } from './compose';
import { createApp } from './http/app';
import type { AppContext } from './http/context';

export interface RunningServer {
  url: string;
  ctx: AppContext;
  server: Server;
  close(): Promise<void>;
}

/**
 * Starts the BFF: data source (+ migrations), services, HTTP. Shared by main.ts,
 * the dev start script and the benchmarks so all run the same composition.
 */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const ds = createDataSource(config);
  await initDataSource(ds);
  const ctx = compose(config, ds, logger, clock);
  const server: Server = await new Promise((resolve, reject) => {
    const s = createApp(ctx).listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Keep-alive longer than typical proxies so they never reuse a connection we just closed.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  markReady(ctx);
  // Background work: the outbox drains every 2 s, the scheduler looks for due jobs every 30 s.
  let outboxTimer: NodeJS.Timeout | null = null;
  let draining = false;
  if (config.background) {
    ctx.jobs.start();
    outboxTimer = setInterval(() => {
      if (draining) return;
      draining = true;
      ctx.outbox
        .drain(500)
        .catch((err) => logger.error({ err: (err as Error).message }, 'outbox drain failed'))
        .finally(() => {
          draining = false;
        });
    }, 2000);
    outboxTimer.unref();
  }
  let closed = false;
  return {
    url: `http://${config.host}:${port}`,
    ctx,
    server,
    async close() {
      if (closed) return;
      closed = true;
      ctx.jobs.stop();
      if (outboxTimer) clearInterval(outboxTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ds.destroy().catch(() => undefined);
    },
  };
}
