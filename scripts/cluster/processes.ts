import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** The built commands as an operator runs them: `node scripts/dist/*.js` and `node server/dist/main.js`. */
export const root = path.resolve(__dirname, '../..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built script (path from the repository root) to its end. */
export function runNode(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  input = '',
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, file), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: undefined, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed (pino JSON lines). */
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `node server/dist/main.js` and resolves once it logs that it listens; rejects if it exits first. */
export function startInstance(name: string, port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (!/Huiyuan listening/.test(out)) return;
      child.stdout!.off('data', onData);
      resolve({ name, port, child, output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited ${code} before listening: ${out.slice(-2000)}`)));
  });
}

/** A port nothing listens on now (the instance keeps it across a restart, as behind a fixed upstream list). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
