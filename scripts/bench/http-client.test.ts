import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { leanHttpClient } from './http-client';

/** The load generator's client must read every response right, or a benchmark counts wrong answers as work. */
let server: http.Server;
let url: string;
let connections = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/empty') {
        res.statusCode = 204;
        res.end();
        return;
      }
      if (req.url === '/close') res.setHeader('connection', 'close');
      const out = JSON.stringify({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization ?? null,
        body,
        text: '签到 ✓',
      });
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-length', Buffer.byteLength(out));
      res.statusCode = req.url === '/missing' ? 404 : 200;
      // Split writes: the client must put a response together from several chunks.
      res.write(out.slice(0, 5));
      setTimeout(() => res.end(out.slice(5)), 2);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

test('requests, bodies, headers, statuses and UTF-8 over few keep-alive sockets', async () => {
  const call = leanHttpClient(url, 3);
  const replies = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      call(i % 2 ? 'POST' : 'GET', `/r${i}`, i % 2 ? { n: i } : undefined, { authorization: `Bearer t${i}` }),
    ),
  );
  replies.forEach((r, i) => {
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      method: i % 2 ? 'POST' : 'GET',
      url: `/r${i}`,
      auth: `Bearer t${i}`,
      body: i % 2 ? JSON.stringify({ n: i }) : '',
      text: '签到 ✓',
    });
  });
  expect(connections).toBeLessThanOrEqual(3);
  expect((await call('GET', '/missing')).status).toBe(404);
  expect(await call('POST', '/empty')).toEqual({ status: 204, body: '' });
});

test('a server that closes the connection: the client opens a new one', async () => {
  const call = leanHttpClient(url, 1);
  const before = connections;
  for (let i = 0; i < 3; i++) expect((await call('GET', '/close')).status).toBe(200);
  expect((await call('GET', '/after')).status).toBe(200);
  expect(connections - before).toBe(4);
});
