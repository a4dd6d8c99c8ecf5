import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP proxy in front of several server instances, as a load
 * balancer does it: it routes only to instances whose /readyz answered 200 at
 * the last probe, and it retries nothing, with one exception that a balancer
 * may take safely: a connection refused before anything was sent (the instance
 * is gone) is routed to the next instance and counted. Any other upstream
 * error (a reset after the request went out, a cut response) answers 502 and
 * is counted as a failed request.
 */
export interface Backend {
  name: string;
  port: number;
  /** The last /readyz probe answered 200. */
  up: boolean;
  /** Taken out of rotation by the test (as an orchestrator does before it stops a machine). */
  paused: boolean;
  inFlight: number;
  served: number;
}

export interface ProxyStats {
  requests: number;
  failed: { backend: string; method: string; path: string; error: string }[];
  /** Refused before send and routed to another instance. */
  rerouted: { backend: string; path: string }[];
  /** Statuses of 500 and above that instances answered (passed through as they were). */
  upstream5xx: { backend: string; path: string; status: number; code?: string; at: number }[];
}

export interface Proxy {
  url: string;
  stats: ProxyStats;
  backend(name: string): Backend;
  /** Takes `name` out of rotation, waits for its requests in flight to finish, then runs `then`. */
  pauseWhenIdle(name: string, then: () => void): Promise<void>;
  resume(name: string): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startProxy(targets: { name: string; port: number }[], probeEveryMs = 100): Promise<Proxy> {
  const backends: Backend[] = targets.map((t) => ({ ...t, up: false, paused: false, inFlight: 0, served: 0 }));
  const stats: ProxyStats = { requests: 0, failed: [], rerouted: [], upstream5xx: [] };
  let next = 0;
  let closed = false;

  const probe = (b: Backend) =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: b.port, path: '/readyz', agent: false, timeout: 1000 }, (res) => {
        b.up = res.statusCode === 200;
        res.resume();
        res.on('end', resolve);
      });
      req.on('timeout', () => req.destroy(new Error('probe timeout')));
      req.on('error', () => {
        b.up = false;
        resolve();
      });
    });
  const probing = (async () => {
    while (!closed) {
      await Promise.all(backends.map(probe));
      await sleep(probeEveryMs);
    }
  })();

  /** The next instance in rotation, waiting briefly when none is (all restarting). */
  const pick = async (): Promise<Backend | null> => {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const ready = backends.filter((b) => b.up && !b.paused);
      if (ready.length) return ready[next++ % ready.length];
      await sleep(20);
    }
    return null;
  };

  const forward = (b: Backend, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) =>
    new Promise<'done' | 'refused'>((resolve) => {
      b.inFlight++;
      let settled = false;
      const settle = (how: 'done' | 'refused') => {
        if (settled) return;
        settled = true;
        b.inFlight--;
        resolve(how);
      };
      const fail = (error: string) => {
        stats.failed.push({ backend: b.name, method: req.method ?? '', path: req.url ?? '', error });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'BAD_GATEWAY', message: error }));
        settle('done');
      };
      const up = http.request(
        {
          host: '127.0.0.1',
          port: b.port,
          method: req.method,
          path: req.url,
          // A connection per request: a kept-alive socket the instance is closing could take a request and drop it.
          agent: false,
          headers: {
            ...req.headers,
            host: `127.0.0.1:${b.port}`,
            connection: 'close',
            'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
            'content-length': String(body.length),
          },
        },
        (upRes) => {
          const status = upRes.statusCode ?? 502;
          const headers = { ...upRes.headers };
          delete headers.connection;
          res.writeHead(status, headers);
          upRes.on('aborted', () => fail('response cut'));
          upRes.on('error', (e) => fail(`response error: ${e.message}`));
          const body: Buffer[] = [];
          upRes.on('data', (c: Buffer) => body.push(c));
          upRes.pipe(res);
          upRes.on('end', () => {
            b.served++;
            if (status >= 500) {
              const code = /"code":"([A-Z_]+)"/.exec(Buffer.concat(body).toString())?.[1];
              stats.upstream5xx.push({ backend: b.name, path: req.url ?? '', status, code, at: Date.now() });
            }
            settle('done');
          });
        },
      );
      up.on('error', (e: NodeJS.ErrnoException) => {
        // Refused at connect: the request never reached the instance, so sending it elsewhere is safe.
        if (e.code === 'ECONNREFUSED') {
          b.up = false;
          settle('refused');
        } else fail(`${e.code ?? ''} ${e.message}`.trim());
      });
      up.end(body);
    });

  const server = http.createServer((req, res) => {
    stats.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      for (;;) {
        const b = await pick();
        if (!b) {
          stats.failed.push({
            backend: '-',
            method: req.method ?? '',
            path: req.url ?? '',
            error: 'no instance ready',
          });
          res.writeHead(503, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ code: 'NO_BACKEND' }));
        }
        if ((await forward(b, req, body, res)) === 'done') return;
        stats.rerouted.push({ backend: b.name, path: req.url ?? '' });
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const find = (name: string) => {
    const b = backends.find((x) => x.name === name);
    if (!b) throw new Error(`no backend ${name}`);
    return b;
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    backend: find,
    async pauseWhenIdle(name, then) {
      const b = find(name);
      b.paused = true;
      while (b.inFlight > 0) await sleep(1);
      then();
    },
    resume(name) {
      find(name).paused = false;
    },
    async close() {
      closed = true;
      await probing;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
