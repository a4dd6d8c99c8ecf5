import { startTestServer, type TestServer } from './harness';

/**
 * Overload sheds instead of queueing forever: with every pooled connection busy,
 * a request waits at most DB_ACQUIRE_TIMEOUT_MS, and past DB_QUEUE_LIMIT waiting
 * it is refused at once, both as 503 OVERLOADED. MySQL only: the embedded
 * database has no pool (one connection, units of work take turns).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mysqlIt = process.env.DATABASE_URL ? it : it.skip;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    env: { DB_POOL_SIZE: '2', DB_QUEUE_LIMIT: '1', DB_ACQUIRE_TIMEOUT_MS: '300' },
  });
});
afterAll(async () => {
  await t.close();
});

mysqlIt('a full pool answers 503 OVERLOADED quickly, then serves again', async () => {
  const { token } = await t.login('overload');
  expect((await t.http('GET', '/api/me', { token })).status).toBe(200);

  // Both connections busy for 1.5 s.
  const holders = [0, 1].map(() => t.ctx.db.tx(() => sleep(1500)));
  await sleep(50);
  const started = Date.now();
  const answers = await Promise.all([0, 1, 2, 3].map(() => t.http('GET', '/api/me', { token })));
  const took = Date.now() - started;
  for (const a of answers) {
    expect(a).toMatchObject({ status: 503, body: { code: 'OVERLOADED' } });
    expect(a.headers.get('retry-after')).toBe('1');
  }
  // Refused within the acquire timeout (plus slack), not after the holders finished.
  expect(took).toBeLessThan(1200);
  await Promise.all(holders);
  expect((await t.http('GET', '/api/me', { token })).status).toBe(200);
  expect(t.logs.join('')).not.toMatch(/unhandled error/);
});
