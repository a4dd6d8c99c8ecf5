import type { Config } from '@huiyuan/server';

/**
 * The environment for release commands (migrate, create-operator). They need the
 * database settings only: production's checks of tokens, phone keys and WeChat
 * credentials belong to the server, so they are not asked for here. A production
 * environment must still name its database rather than fall back to the embedded file.
 */
export function opsConfig(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL)
    throw new Error('DATABASE_URL missing (production runs on MySQL)');
  return { ...env, NODE_ENV: env.NODE_ENV === 'test' ? 'test' : 'development', LOG_LEVEL: 'silent' };
}

/** The database named for people: the MySQL host and schema, or the embedded file. */
export function where(config: Config): string {
  if (config.db.kind === 'sqlite') return `the embedded database ${config.db.path}`;
  const u = new URL(config.db.url);
  return `MySQL ${u.hostname}:${u.port || 3306}${u.pathname}`;
}
