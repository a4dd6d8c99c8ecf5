import { randomUUID } from 'node:crypto';
import { createLogger, loadConfig, startServer } from '@huiyuan/server';
import { startFakeWechat } from '../fake-wechat/server';
import { seedDemo } from '../seed/demo';

/**
 * A short mixed workload against a real server on the configured database, so
 * `npm run reconcile` afterwards checks invariants on data written under
 * concurrency (used by CI; handy by hand too).
 */
async function main(): Promise<void> {
  const fake = await startFakeWechat({ port: 0 });
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    WECHAT_API_BASE: fake.url,
    LOGIN_RATE_PER_MINUTE: '100000',
    MIGRATE_ON_START: process.env.MIGRATE_ON_START ?? '1',
  });
  const running = await startServer(config, createLogger(config.logLevel));
  try {
    await seedDemo(running.ctx);
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(running.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const op = await call('POST', '/api/staff/login', { username: 'operator', password: 'operator123' });
    const opToken = String(op.body.token);
    const members = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const r = await call('POST', '/api/auth/login', { code: `ci-member-${i}:${randomUUID()}` });
        return String(r.body.memberId);
      }),
    );
    const statuses = new Map<number, number>();
    const adjust = async (memberId: string, delta: number, key: string) => {
      const r = await call(
        'POST',
        '/api/admin/points/adjustments',
        { memberId, delta, reason: 'ci exercise', idempotencyKey: key },
        opToken,
      );
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    };
    // Credits with replays, then debits that overdraw on purpose: some must be refused.
    await Promise.all(
      members.flatMap((m, i) => Array.from({ length: 10 }, (_, j) => adjust(m, 100, `ci-credit-${i}-${j % 7}`))),
    );
    await Promise.all(
      members.flatMap((m, i) => Array.from({ length: 12 }, (_, j) => adjust(m, -80, `ci-debit-${i}-${j}`))),
    );
    console.log(
      `exercise: ${members.length} members, responses by status ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    if ([...statuses.keys()].some((s) => s >= 500)) throw new Error('server answered 5xx');
  } finally {
    await running.close();
    await fake.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
