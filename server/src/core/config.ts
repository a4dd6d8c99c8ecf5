import { z } from 'zod';
import { createHash } from 'node:crypto';
import { DEFAULT_TIMEZONE, isValidTimezone } from '@huiyuan/shared';
import { loadPayConfig, type PayConfig } from './pay-config';

/**
 * Configuration, parsed once from the environment at start. Everything else
 * receives this object; nothing reads process.env later.
 */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('Port of the Prometheus scrape endpoint GET /metrics, on HOST; unset = none'),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, 'mysql://user:pass@host:port/db')
    .optional(),
  SQLITE_PATH: z.string().default('data/huiyuan.sqlite').describe('":memory:" for a throwaway database'),
  SQLITE_ENGINE: z
    .enum(['better-sqlite3', 'sqljs'])
    .optional()
    .describe('Default: better-sqlite3 when installed, else sql.js with a warning'),
  SQLITE_SYNCHRONOUS: z
    .enum(['FULL', 'NORMAL'])
    .default('FULL')
    .describe('FULL: a commit survives power loss; NORMAL: a process crash only (see db/sqlite.ts)'),
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
  WECHAT_API_BASE: z
    .url()
    .optional()
    .describe('Default: the fake WeChat API in development, api.weixin.qq.com in production'),
  WECHAT_APPID: z.string().optional(),
  WECHAT_SECRET: z.string().optional(),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  WECHAT_MINIPROGRAM_STATE: z.enum(['developer', 'trial', 'formal']).default('formal'),
  BACKGROUND: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Run the outbox worker and the job scheduler in this instance'),
  OUTBOX_LEASE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .optional()
    .describe('How long an outbox claim holds its rows before another instance may take them over; default 60000'),
  JOB_LEASE_MS: z.coerce
    .number()
    .int()
    .min(300)
    .optional()
    .describe("How long a job run's lease lasts without a heartbeat (renewed every third of it); default 300000"),
  JOB_TICK_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe('How often the scheduler looks for daily jobs whose time has come'),
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
  DB_QUEUE_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .default(500)
    .describe('Units of work that may wait for a pooled connection; more are refused with 503 (0 = no limit)'),
  DB_ACQUIRE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe('How long a unit of work waits for a pooled connection before 503 (0 = forever)'),
  MIGRATE_ON_START: z
    .enum(['0', '1'])
    .optional()
    .describe('Apply migrations when the server starts; default 1 on the embedded database, 0 on MySQL'),
  MIGRATE_LOCK_TIMEOUT_S: z.coerce.number().int().min(1).default(600),
  TRUST_PROXY: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe('Proxies in front of the server whose X-Forwarded-For is trusted (0 = none)'),
  SHUTDOWN_DRAIN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'After SIGTERM, how long /readyz reports draining before the listener closes; default 5000 in production, 0 otherwise',
    ),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(20_000).describe('Deadline for in-flight requests'),
  STATIC_DIR: z.string().optional().describe('Directory of the H5 build to serve at /'),
  CONSOLE_DIR: z.string().optional().describe('Directory of the operator console build to serve at /admin'),
  IMAGE_DIR: z
    .string()
    .default('data/images')
    .describe('Directory of uploaded images and their resized variants (shared by every instance)'),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** Where GET /metrics listens (on `host`); null = no metrics listener. */
  metricsPort: number | null;
  db:
    | { kind: 'mysql'; url: string; poolSize: number; queueLimit: number; acquireTimeoutMs: number }
    | { kind: 'sqlite'; path: string; engine?: 'better-sqlite3' | 'sqljs'; synchronous?: 'FULL' | 'NORMAL' };
  migrateOnStart: boolean;
  migrateLockTimeoutS: number;
  /** Proxy hops whose X-Forwarded-For is trusted; 0 = the socket address is the client. */
  trustProxy: number;
  shutdown: { drainMs: number; timeoutMs: number };
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
  /** WeChat Pay; null when not configured (pay endpoints answer 503 PAY_UNAVAILABLE). */
  pay: PayConfig | null;
  background: boolean;
  /** Lease lengths (unset: the defaults beside the outbox worker and the job runner) and the scheduler's tick. */
  backgroundTiming: { outboxLeaseMs?: number; jobLeaseMs?: number; jobTickMs: number };
  bodyLimit: string;
  loginRatePerMinute: number;
  scansPerStorePerMinute: number;
  txMaxAttempts: number;
  staticDir?: string;
  consoleDir?: string;
  /** Where uploaded images are kept (DiskImageStore). */
  imageDir: string;
}

/** Development keys are derived from a fixed label so a newcomer needs no setup; production must set real ones. */
const devKey = (label: string) => createHash('sha256').update(`huiyuan-dev-only:${label}`).digest();

const WECHAT_API = 'https://api.weixin.qq.com';
/** Where `npm start` and the tests run the fake WeChat API. */
const DEV_WECHAT_API = 'http://127.0.0.1:3901';
const DEV_APPID = 'wx-huiyuan-dev';
const DEV_SECRET = 'dev-secret';

type Parsed = z.infer<typeof Env>;

/**
 * What production refuses to start without: every secret set and not guessable,
 * real WeChat credentials, a real database. One entry per problem, naming the
 * variable, so the operator fixes all of them in one go.
 */
function productionProblems(e: Parsed): string[] {
  const out: string[] = [];
  const need = (k: keyof Parsed, why = 'missing') => out.push(`${k} ${why}`);
  if (!e.DATABASE_URL) need('DATABASE_URL', 'missing (the embedded database is for development)');
  if (!e.TOKEN_SECRET) need('TOKEN_SECRET');
  else if (weak(e.TOKEN_SECRET)) need('TOKEN_SECRET', 'weak (use 32+ random bytes, e.g. openssl rand -hex 32)');
  if (!e.PHONE_ENC_KEY) need('PHONE_ENC_KEY');
  else if (weak(e.PHONE_ENC_KEY)) need('PHONE_ENC_KEY', 'weak (use openssl rand -hex 32)');
  if (!e.PHONE_HMAC_KEY) need('PHONE_HMAC_KEY');
  else if (weak(e.PHONE_HMAC_KEY)) need('PHONE_HMAC_KEY', 'weak (use 32+ random bytes)');
  if (e.PHONE_HMAC_KEY && e.PHONE_HMAC_KEY === e.TOKEN_SECRET) need('PHONE_HMAC_KEY', 'equals TOKEN_SECRET');
  if (!e.WECHAT_APPID || e.WECHAT_APPID === DEV_APPID) need('WECHAT_APPID');
  if (!e.WECHAT_SECRET || e.WECHAT_SECRET === DEV_SECRET) need('WECHAT_SECRET');
  else if (e.WECHAT_SECRET.length < 16) need('WECHAT_SECRET', 'too short for a WeChat app secret');
  return out;
}

/**
 * A secret that is long enough but not random: few distinct characters
 * ("aaaa...", "0000...", "abab...") or a development placeholder. Real keys from
 * `openssl rand -hex 32` have 14-16 distinct characters.
 */
function weak(secret: string): boolean {
  return new Set(secret.toLowerCase()).size < 8 || /change.?me|secret|password|huiyuan-dev/i.test(secret);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  // The public port would expose internals to every client: metrics get a port of their own.
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT)
    throw new Error('Invalid configuration:\n  METRICS_PORT: must differ from PORT');
  if (e.NODE_ENV === 'production') {
    const problems = productionProblems(e);
    if (problems.length) throw new Error(`Invalid configuration for production: ${problems.join('; ')}`);
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    metricsPort: e.METRICS_PORT ?? null,
    db: e.DATABASE_URL
      ? {
          kind: 'mysql',
          url: e.DATABASE_URL,
          poolSize: e.DB_POOL_SIZE,
          queueLimit: e.DB_QUEUE_LIMIT,
          acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
        }
      : { kind: 'sqlite', path: e.SQLITE_PATH, engine: e.SQLITE_ENGINE, synchronous: e.SQLITE_SYNCHRONOUS },
    // The embedded database belongs to one process, so migrating on start is safe there;
    // on MySQL several instances start at once and `npm run migrate` is a release step.
    migrateOnStart: e.MIGRATE_ON_START ? e.MIGRATE_ON_START === '1' : !e.DATABASE_URL,
    migrateLockTimeoutS: e.MIGRATE_LOCK_TIMEOUT_S,
    trustProxy: e.TRUST_PROXY,
    shutdown: {
      drainMs: e.SHUTDOWN_DRAIN_MS ?? (e.NODE_ENV === 'production' ? 5000 : 0),
      timeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
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
      apiBase: (e.WECHAT_API_BASE ?? (e.NODE_ENV === 'production' ? WECHAT_API : DEV_WECHAT_API)).replace(/\/$/, ''),
      appId: e.WECHAT_APPID ?? DEV_APPID,
      secret: e.WECHAT_SECRET ?? DEV_SECRET,
      timeoutMs: e.WECHAT_TIMEOUT_MS,
      miniprogramState: e.WECHAT_MINIPROGRAM_STATE,
    },
    pay: loadPayConfig(env, e.NODE_ENV, e.WECHAT_APPID ?? DEV_APPID, e.WECHAT_TIMEOUT_MS),
    background: e.BACKGROUND === 'on',
    backgroundTiming: { outboxLeaseMs: e.OUTBOX_LEASE_MS, jobLeaseMs: e.JOB_LEASE_MS, jobTickMs: e.JOB_TICK_MS },
    bodyLimit: e.BODY_LIMIT,
    loginRatePerMinute: e.LOGIN_RATE_PER_MINUTE,
    scansPerStorePerMinute: e.SCANS_PER_STORE_PER_MINUTE,
    txMaxAttempts: e.TX_MAX_ATTEMPTS,
    staticDir: e.STATIC_DIR,
    consoleDir: e.CONSOLE_DIR,
    imageDir: e.IMAGE_DIR,
  };
}
