import { z } from 'zod';
import { createHash } from 'node:crypto';
import { DEFAULT_TIMEZONE, isValidTimezone } from '@huiyuan/shared';

/**
 * Configuration, parsed once from the environment at start. Everything else
 * receives this object; nothing reads process.env later.
 */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, 'mysql://user:pass@host:port/db')
    .optional(),
  SQLITE_PATH: z.string().default('data/huiyuan.sqlite').describe('":memory:" for a throwaway database'),
  BUSINESS_TZ: z.string().default(DEFAULT_TIMEZONE).refine(isValidTimezone, 'unknown timezone'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TOKEN_SECRET: z.string().min(32).optional(),
  MEMBER_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600),
  STAFF_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 3600),
  PHONE_ENC_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, '32 bytes as hex')
    .optional(),
  PHONE_HMAC_KEY: z.string().min(32).optional(),
  WECHAT_API_BASE: z.url().default('http://127.0.0.1:3901'),
  WECHAT_APPID: z.string().default('wx-huiyuan-dev'),
  WECHAT_SECRET: z.string().default('dev-secret'),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
  BACKGROUND: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Run the outbox worker and the job scheduler in this instance'),
  BODY_LIMIT: z.string().default('64kb'),
  // Per client address: generous, since a mall's Wi-Fi is one address; guessing is limited per identity.
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  SCANS_PER_STORE_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe('Member code scans a store may make per minute'),
  TX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16),
  STATIC_DIR: z.string().optional().describe('Directory of the H5 build to serve at /'),
  CONSOLE_DIR: z.string().optional().describe('Directory of the operator console build to serve at /admin'),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  db: { kind: 'mysql'; url: string; poolSize: number } | { kind: 'sqlite'; path: string };
  businessTz: string;
  logLevel: string;
  tokens: { secret: string; memberTtlSeconds: number; staffTtlSeconds: number };
  phone: { encKey: Buffer; hmacKey: Buffer };
  wechat: {
    apiBase: string;
    appId: string;
    secret: string;
    timeoutMs: number;
    miniprogramState: 'developer' | 'trial' | 'formal';
  };
  background: boolean;
  bodyLimit: string;
  loginRatePerMinute: number;
  scansPerStorePerMinute: number;
  txMaxAttempts: number;
  staticDir?: string;
  consoleDir?: string;
}

/** Development keys are derived from a fixed label so a newcomer needs no setup; production must set real ones. */
const devKey = (label: string) => createHash('sha256').update(`huiyuan-dev-only:${label}`).digest();

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const missing = (['TOKEN_SECRET', 'PHONE_ENC_KEY', 'PHONE_HMAC_KEY', 'DATABASE_URL'] as const).filter((k) => !e[k]);
    if (missing.length) throw new Error(`Invalid configuration: production requires ${missing.join(', ')}`);
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    db: e.DATABASE_URL
      ? { kind: 'mysql', url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE }
      : { kind: 'sqlite', path: e.SQLITE_PATH },
    businessTz: e.BUSINESS_TZ,
    logLevel: e.LOG_LEVEL,
    tokens: {
      secret: e.TOKEN_SECRET ?? devKey('token').toString('hex'),
      memberTtlSeconds: e.MEMBER_TOKEN_TTL_SECONDS,
      staffTtlSeconds: e.STAFF_TOKEN_TTL_SECONDS,
    },
    phone: {
      encKey: e.PHONE_ENC_KEY ? Buffer.from(e.PHONE_ENC_KEY, 'hex') : devKey('phone-enc'),
      hmacKey: e.PHONE_HMAC_KEY ? Buffer.from(e.PHONE_HMAC_KEY) : devKey('phone-hmac'),
    },
    wechat: {
      apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
      appId: e.WECHAT_APPID,
      secret: e.WECHAT_SECRET,
      timeoutMs: e.WECHAT_TIMEOUT_MS,
      miniprogramState: e.WECHAT_MINIPROGRAM_STATE,
    },
    background: e.BACKGROUND === 'on',
    bodyLimit: e.BODY_LIMIT,
    loginRatePerMinute: e.LOGIN_RATE_PER_MINUTE,
    scansPerStorePerMinute: e.SCANS_PER_STORE_PER_MINUTE,
    txMaxAttempts: e.TX_MAX_ATTEMPTS,
    staticDir: e.STATIC_DIR,
    consoleDir: e.CONSOLE_DIR,
  };
}
