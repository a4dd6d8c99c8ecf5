import net from 'node:net';

/**
 * A lean HTTP/1.1 keep-alive client for the load generator. The generator shares
 * the machine's cores with the server and the database, so every microsecond it
 * spends is taken from what is being measured: node's http client cost about
 * twice the CPU per request of this one (request objects, header validation,
 * stream machinery). It speaks only what the benchmarks need: one request at a
 * time per socket, JSON bodies, responses framed by Content-Length.
 */
export interface HttpReply {
  status: number;
  body: string;
}

interface Pending {
  head: string;
  body?: string;
  resolve: (r: HttpReply) => void;
  reject: (e: Error) => void;
}

class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private current: Pending | null = null;
  dead = false;
  private gone = false;

  /** `done` is called after each response, and once more (dead) when the socket goes away. */
  constructor(
    private readonly socket: net.Socket,
    private readonly done: (c: Conn) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (e?: Error) => {
      if (this.gone) return;
      this.gone = true;
      this.dead = true;
      const p = this.current;
      this.current = null;
      p?.reject(e ?? new Error('connection closed'));
      this.done(this);
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  /** A request waiting for this socket to connect fails with it. */
  waitFor(p: Pending): void {
    this.current = p;
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.body === undefined ? p.head : p.head + p.body);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.current) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    if (!m && status !== 204 && status !== 304) {
      this.current.reject(new Error(`response without Content-Length (status ${status})`));
      this.socket.destroy();
      return;
    }
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.toString('utf8', end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const p = this.current;
    this.current = null;
    p.resolve({ status, body });
    if (/\r\nconnection:\s*close/i.test(head))
      this.socket.destroy(); // close event: done(dead)
    else this.done(this);
  }
}

/** `(method, path, body?, headers?) => {status, body}` over at most `maxSockets` keep-alive connections. */
export function leanHttpClient(baseUrl: string, maxSockets: number) {
  const u = new URL(baseUrl);
  const host = u.host;
  const idle: Conn[] = [];
  const queue: Pending[] = [];
  let open = 0;

  const release = (c: Conn) => {
    if (c.dead) {
      open--;
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (queue.length) dispatch(queue.shift()!);
      return;
    }
    const next = queue.shift();
    if (next) c.send(next);
    else idle.push(c);
  };
  const dispatch = (p: Pending) => {
    const c = idle.pop();
    if (c) return c.send(p);
    if (open >= maxSockets) return void queue.push(p);
    open++;
    const socket = net.connect(Number(u.port), u.hostname);
    const conn = new Conn(socket, release);
    conn.waitFor(p);
    socket.once('connect', () => conn.send(p));
  };

  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      head +=
        data === undefined
          ? method === 'GET'
            ? '\r\n'
            : 'content-length: 0\r\n\r\n'
          : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(data)}\r\n\r\n`;
      dispatch({ head, body: data, resolve, reject });
    });
}
