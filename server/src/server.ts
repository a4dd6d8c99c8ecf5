import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import type { Config } from './core/config';
import type { Logger } from './core/logger';
import { systemClock, type Clock } from './core/clock';
import { createDataSource, initDataSource } from './db/data-source';
import { compose, markReady } from './compose';
import { createApp } from './http/app';
import { listenMetrics, type MetricsListener } from './http/metrics-listener';
import type { AppContext } from './http/context';

export interface RunningServer {
  url: string;
  ctx: AppContext;
  server: Server;
  /** The scrape endpoint (METRICS_PORT), or null when metrics are not served. */
  metricsUrl: string | null;
  /** True from the start of close(): /readyz answers 503 so the load balancer stops sending. */
  draining(): boolean;
  /** Graceful stop (SIGTERM): drain, stop accepting, finish in-flight requests, stop background work, close the pool. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the BFF: data source (migrations when config.migrateOnStart, else a
 * check that they ran), services, HTTP. Shared by main.ts, the dev start script
 * and the benchmarks so all run the same composition.
 */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const ds = createDataSource(config);
  await initDataSource(ds, { migrate: config.migrateOnStart, lockTimeoutS: config.migrateLockTimeoutS });
  const ctx = compose(config, ds, logger, clock);
  let draining = false;
  // Readiness is "started and not draining": the health routes read ctx.isReady.
  const started = ctx.isReady;
  ctx.isReady = () => started() && !draining;

  const server: Server = await new Promise((resolve, reject) => {
    const s = createApp(ctx).listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Keep-alive longer than typical proxies so they never reuse a connection we just closed.
  server.keepAliveTimeout = 65_000;
  // Responses not yet sent, so a drain can tell their clients not to reuse the connection.
  const open = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  const port = (server.address() as AddressInfo).port;
  // Metrics on their own port; a port already taken fails the start like the API's would.
  let metrics: MetricsListener | null = null;
  if (config.metricsPort !== null) {
    try {
      metrics = await listenMetrics(ctx.metrics, config.host, config.metricsPort, logger);
    } catch (err) {
      server.close();
      await ds.destroy().catch(() => undefined);
      throw err;
    }
  }
  markReady(ctx);

  // Background work: the outbox drains every 2 s, the scheduler looks for due jobs every JOB_TICK_MS (30 s).
  let outboxTimer: NodeJS.Timeout | null = null;
  let outboxRun: Promise<unknown> | null = null;
  let giftTimer: NodeJS.Timeout | null = null;
  let giftRun: Promise<unknown> | null = null;
  let payTimer: NodeJS.Timeout | null = null;
  let payRun: Promise<unknown> | null = null;
  if (config.background) {
    ctx.jobs.start(config.backgroundTiming.jobTickMs);
    outboxTimer = setInterval(() => {
      if (outboxRun) return;
      outboxRun = ctx.outbox
        .drain(500)
        .catch((err) => logger.error({ err: (err as Error).message }, 'outbox drain failed'))
        .finally(() => {
          outboxRun = null;
        });
    }, 2000);
    outboxTimer.unref();
    // Pending gift grants (join, first order, tier reached) are given on the same beat.
    giftTimer = setInterval(() => {
      if (giftRun) return;
      giftRun = ctx.gifts
        .drain(200)
        .catch((err) => logger.error({ err: (err as Error).message }, 'gift grants failed'))
        .finally(() => {
          giftRun = null;
        });
    }, 2000);
    giftTimer.unref();
    // Unconfirmed payments are asked about, and past-due ones closed, every 30 s (under a lease).
    if (ctx.payments.enabled) {
      payTimer = setInterval(() => {
        if (payRun) return;
        payRun = ctx.payments
          .sweep()
          .catch((err) => logger.error({ err: (err as Error).message }, 'payment sweep failed'))
          .finally(() => {
            payRun = null;
          });
      }, 30_000);
      payTimer.unref();
    }
  }

  /** Stops accepting, lets in-flight requests finish until the deadline, then cuts what is left. */
  const closeHttp = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      // close() stops the listener and ends idle keep-alive connections; busy ones
      // end after their response (Connection: close). Idle ones are swept again in
      // case a client sent nothing after its last response.
      const sweep = setInterval(() => server.closeIdleConnections(), 250);
      const deadline = setTimeout(() => {
        logger.warn({ open: open.size }, 'shutdown deadline: closing connections with requests in flight');
        server.closeAllConnections();
      }, timeoutMs);
      deadline.unref();
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve();
      });
    });

  let closing: Promise<void> | null = null;
  return {
    url: `http://${config.host}:${port}`,
    ctx,
    server,
    metricsUrl: metrics?.url ?? null,
    draining: () => draining,
    close() {
      closing ??= (async () => {
        draining = true;
        // No new background work starts from here; what runs now is awaited below.
        if (outboxTimer) clearInterval(outboxTimer);
        if (giftTimer) clearInterval(giftTimer);
        if (payTimer) clearInterval(payTimer);
        // Both end their current step, hand back leases and claimed rows, and are awaited
        // before the pool closes.
        const stopped = Promise.all([ctx.jobs.stop(), ctx.outbox.stop(), ctx.gifts.stop()]);
        // The load balancer sees /readyz fail and stops routing here while we still serve.
        if (config.shutdown.drainMs > 0) await sleep(config.shutdown.drainMs);
        await closeHttp(config.shutdown.timeoutMs);
        await Promise.all([stopped, outboxRun, giftRun, payRun]);
        // Scraped until the end, so the last figures of a draining instance are seen.
        await metrics?.close();
        await ds.destroy().catch(() => undefined);
      })();
      return closing;
    },
  };
}
