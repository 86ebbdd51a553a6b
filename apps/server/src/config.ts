import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PIPELINE_LANES } from '@switchboard/db';
import { createPolicy } from '@switchboard/egress';
import { z } from 'zod';
import type { MediaS3Config } from './media/media-store';

export const roles = ['all', 'api', 'worker'] as const;
export type ServerRole = (typeof roles)[number];

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  PUBLIC_URL: z.string().url().optional(),
  APP_SECRET: z.string().min(16).optional(),
  ROLE: z.enum(roles).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  DATABASE_PIPELINE_LANES: z.coerce.number().int().min(0).max(32).default(DEFAULT_PIPELINE_LANES),
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Comma-separated hosts, IPs or CIDRs tenants' outbound calls may reach although private (LAN services, local stand-ins). */
  EGRESS_ALLOW: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        createPolicy(splitList(value));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^EGRESS_ALLOW: /, '') });
      }
    }),
  /** HubSpot's API base (a regional or test endpoint); https://api.hubapi.com when unset. */
  HUBSPOT_API_URL: z.string().url().optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  /** `open`: anyone may sign up; unset: sign-up closes once the first workspace exists. */
  SIGNUP: z.enum(['open']).optional(),
  /** S3-compatible media storage; files go under DATA_DIR/media when MEDIA_S3_BUCKET is unset. */
  MEDIA_S3_ENDPOINT: z.string().url().optional(),
  MEDIA_S3_BUCKET: z.string().optional(),
  MEDIA_S3_REGION: z.string().default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Largest file accepted into the media store, in megabytes. */
  MEDIA_MAX_MB: z.coerce.number().min(1).max(1024).default(25),
});

export interface Config {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  publicUrl: string;
  /** 32-byte key for secrets at rest, from APP_SECRET or generated into DATA_DIR. */
  appSecret: Buffer;
  role: ServerRole;
  logLevel: string;
  workerConcurrency: number;
  poolSize: number;
  /** Pipelined connections per pool for one-shot statements (see PipelinedPool); 0 turns pipelining off. */
  pipelineLanes: number;
  /** Rate limits key on the left-most X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /**
   * Private hosts, IPs or CIDRs that outbound calls made for tenants may reach (EGRESS_ALLOW);
   * everything private is refused otherwise. Empty by default.
   */
  egressAllow?: string[];
  /** Where HubSpot pushes go (HUBSPOT_API_URL); the credential `hubspot` must list its host. */
  hubspotApiUrl?: string;
  /** `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`; without a token it is off (404). */
  metricsToken?: string;
  /** `open` keeps public sign-up open; otherwise it closes once the first workspace exists. */
  signup?: 'open';
  /** S3-compatible storage for media (MEDIA_S3_*); DATA_DIR/media when unset. */
  mediaS3?: MediaS3Config;
  /** Largest file the media store accepts, in bytes (MEDIA_MAX_MB); 25 MB when unset. */
  mediaMaxBytes?: number;
}

/** Reads configuration from the environment; every variable is optional. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = resolve(cwd, e.DATA_DIR);
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    appSecret: e.APP_SECRET ? deriveKey(e.APP_SECRET) : readOrCreateSecret(dataDir),
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    workerConcurrency: e.WORKER_CONCURRENCY,
    poolSize: e.DATABASE_POOL_SIZE,
    pipelineLanes: e.DATABASE_PIPELINE_LANES,
    trustProxy: e.TRUST_PROXY === '1' || e.TRUST_PROXY === 'true',
    egressAllow: splitList(e.EGRESS_ALLOW),
    ...(e.HUBSPOT_API_URL && { hubspotApiUrl: e.HUBSPOT_API_URL }),
    metricsToken: e.METRICS_TOKEN,
    ...(e.SIGNUP && { signup: e.SIGNUP }),
    ...(e.MEDIA_S3_BUCKET && {
      mediaS3: {
        bucket: e.MEDIA_S3_BUCKET,
        region: e.MEDIA_S3_REGION,
        accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY ?? '',
        ...(e.MEDIA_S3_ENDPOINT && { endpoint: e.MEDIA_S3_ENDPOINT }),
      },
    }),
    mediaMaxBytes: e.MEDIA_MAX_MB * 1024 * 1024,
  };
}

/** `a, b,,c` -> ['a', 'b', 'c']. */
function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function deriveKey(secret: string): Buffer {
  // A 64-char hex key is used as is; any other string is stretched by SHA-256.
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  return createHash('sha256').update(secret).digest();
}

function readOrCreateSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
}
