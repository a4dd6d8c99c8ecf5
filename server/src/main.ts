import { loadConfig } from './core/config';
import { createLogger } from './core/logger';
import { startServer } from './server';

/**
 * The production entry (`npm run serve`, `node server/dist/main.js`): the real
 * WeChat API, no demo data, migrations left to `npm run migrate` unless
 * MIGRATE_ON_START=1. Failing to start prints one line and exits 1.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  logger.info({ url: running.url, database: running.ctx.db.dialect }, `Huiyuan listening on ${running.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    // A second signal means "now": the operator does not want to wait for the drain.
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainMs: config.shutdown.drainMs }, 'shutting down: draining');
    running.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // One line, without a stack: configuration and schema problems are the operator's to fix.
  console.error(`Failed to start: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ')}`);
  process.exit(1);
});
