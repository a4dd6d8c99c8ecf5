import { startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

test('health, login, me, points', async () => {
  expect((await t.http('GET', '/healthz')).body).toMatchObject({ status: 'ok', dialect: t.dialect });
  const m = await t.login('alice');
  const me = await t.http('GET', '/api/me', { token: m.token });
  expect(me.status).toBe(200);
  const pts = await t.http('GET', '/api/me/points', { token: m.token });
  expect(pts.body).toMatchObject({ balance: 0 });
});
