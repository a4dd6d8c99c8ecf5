import { randomBytes } from 'node:crypto';
import { CreateStaff } from '@huiyuan/shared';
import { assertMigrated, compose, createDataSource, createLogger, loadConfig } from '@huiyuan/server';
import { opsConfig, where } from './migrate-env';

/**
 * `npm run create-operator -- --username <name> [--display-name <text>]`: the
 * first operator (who then creates stores and staff in the console). The
 * password is read from stdin when something is piped in; otherwise a random
 * one is generated and printed once. Goes through the staff service, so the
 * same rules and hashing apply as in the console.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is how `echo` and here-strings end; the password is the rest.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const username = arg('username');
  if (!username) throw new Error('usage: npm run create-operator -- --username <name> [--display-name <text>]');
  const piped = await readStdin();
  const generated = piped === '';
  const password = generated ? randomBytes(18).toString('base64url') : piped;
  const input = CreateStaff.safeParse({
    username,
    password,
    displayName: arg('display-name') ?? username,
    role: 'operator',
    storeId: null,
  });
  if (!input.success) throw new Error(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

  const config = loadConfig(opsConfig(process.env));
  const ds = createDataSource(config);
  await ds.initialize();
  try {
    await assertMigrated(ds);
    const ctx = compose(config, ds, createLogger('silent'));
    const id = await ctx.db.tx((q) =>
      ctx.staff.create(
        q,
        { ...input.data, storeId: null, memberId: null, displayName: input.data.displayName },
        ctx.clock.now(),
      ),
    );
    console.log(`Created operator "${username}" (id ${id}) on ${where(config)}.`);
    if (generated) console.log(`Password (shown once, not stored in clear): ${password}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  const msg = e.code === 'USERNAME_TAKEN' ? `the username "${arg('username')}" is taken` : (e.message ?? String(err));
  console.error(`create-operator failed: ${msg.replace(/\s*\n\s*/g, '; ')}`);
  process.exit(1);
});
