import { loadConfig } from './config';
import { createLogger } from './logger';
import { createDataSource, initDataSource } from './db/data-source';
import { compose, markReady } from './compose';
import { createApp } from './http/app';

/** Composition root: config -> data source (+ migrations) -> services -> HTTP. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const ds = createDataSource(config);
  await initDataSource(ds);
  const ctx = compose(config, ds, logger);
  const server = createApp(ctx).listen(config.port, config.host, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    markReady(ctx);
    logger.info({ port, database: ctx.db.dialect }, `Huiyuan listening on http://${config.host}:${port}`);
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await ds.destroy().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('Failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
