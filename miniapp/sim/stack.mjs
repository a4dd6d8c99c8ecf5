/**
 * The back end the simulated mini-program talks to, started the way the browser
 * end-to-end test starts it: the fake WeChat API and the real server on a
 * throwaway in-memory embedded database, both on ephemeral ports, with the demo
 * stores and staff. Needs `npm run build` (server and scripts are run compiled).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimError } from './weapp.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function built(rel) {
  const file = join(root, rel);
  if (!existsSync(file)) throw new SimError(`${rel} not found: run npm run build first`);
  return require(file);
}

export async function startStack() {
  const { createLogger, loadConfig, startServer } = built('server/dist/index.js');
  const { startFakeWechat } = built('scripts/dist/fake-wechat/server.js');
  const { seedDemo } = built('scripts/dist/seed/demo.js');
  const fake = await startFakeWechat({ port: 0 });
  let server;
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      SQLITE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
      WECHAT_API_BASE: fake.url,
      BACKGROUND: 'off',
    });
    server = await startServer(config, createLogger('silent'));
    await seedDemo(server.ctx);
  } catch (err) {
    await server?.close();
    await fake.close();
    throw err;
  }

  /** One JSON call to the server, as another client would make it (not through the mini-program). */
  async function api(method, path, { token, body, headers } = {}) {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new SimError(`${method} ${path} answered ${res.status}: ${JSON.stringify(data)}`);
    return data;
  }

  return {
    url: server.url,
    api,
    async close() {
      await server.close();
      await fake.close();
    },
  };
}
