import fs from 'node:fs';
import path from 'node:path';
import { createLogger, loadConfig, startServer } from '@huiyuan/server';
import { startFakeWechat } from '../fake-wechat/server';
import { payTestEnv } from '../fake-wechat/pay-keys';
import { DEMO_ACCOUNTS, seedDemo } from '../seed/demo';

/**
 * What `npm start` runs after building: the fake WeChat API, then the BFF on the
 * embedded database (or DATABASE_URL when set) with demo configuration, serving
 * the H5 build of the mini-program when it exists.
 */
const root = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const fakePort = Number(process.env.FAKE_WECHAT_PORT ?? 3901);
  const fake = await startFakeWechat({ port: fakePort }).catch(() => startFakeWechat({ port: 0 }));
  const h5 = path.join(root, 'miniapp/dist-h5');
  const consoleDir = path.join(root, 'server/console/dist');
  // WeChat Pay against the fake's sandbox with its TEST-ONLY keys, unless a merchant is configured.
  const port = process.env.PORT ?? '3000';
  const pay = process.env.WXPAY_MCHID ? {} : payTestEnv(fake.url, `http://127.0.0.1:${port}/api/pay/notify`);
  const config = loadConfig({
    ...process.env,
    ...pay,
    WECHAT_API_BASE: fake.url,
    // The newcomer path: `npm start` migrates whatever database it is given.
    MIGRATE_ON_START: process.env.MIGRATE_ON_START ?? '1',
    SQLITE_PATH: process.env.SQLITE_PATH ?? path.join(root, 'data/huiyuan.sqlite'),
    STATIC_DIR: process.env.STATIC_DIR ?? (fs.existsSync(path.join(h5, 'index.html')) ? h5 : undefined),
    CONSOLE_DIR:
      process.env.CONSOLE_DIR ?? (fs.existsSync(path.join(consoleDir, 'index.html')) ? consoleDir : undefined),
  });
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  const seeded = await seedDemo(running.ctx);
  const lines = [
    '',
    `  Huiyuan is running: ${running.url}`,
    `  database: ${config.db.kind === 'mysql' ? 'MySQL (DATABASE_URL)' : `embedded SQLite (${path.relative(root, config.db.path)})`}${seeded.created ? ', demo data created' : ''}`,
    `  mini-program (H5): ${config.staticDir ? `${running.url}/` : 'not built (npm run build:h5 -w @huiyuan/miniapp)'}`,
    `  operator console:  ${config.consoleDir ? `${running.url}/admin/` : 'not built (npm run build:console)'}`,
    `  API description:   ${running.url}/api/openapi.json`,
    `  fake WeChat API:   ${fake.url}`,
    `  WeChat Pay:        ${config.pay ? (process.env.WXPAY_MCHID ? config.pay.base : `sandbox ${fake.url}/v3 (pay an order: POST ${fake.url}/__control/pay/pay)`) : 'off'}`,
    `  demo logins:       ${DEMO_ACCOUNTS.map((a) => `${a.username}/${a.password} (${a.role})`).join(', ')}`,
    '',
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    await running.close();
    await fake.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error('Failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
