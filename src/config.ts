// The one place that reads the environment. Everything else receives a typed Config.
import { OperatorError } from './operator-error.ts';
import { canonicalTimezone } from './timezone.ts';
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string | undefined): value is LogLevel {
  return (LOG_LEVELS as readonly (string | undefined)[]).includes(value);
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString.refine((v) => v === undefined || /^\d{15,21}$/.test(v), {
    message: 'must be the numeric application id from the Discord developer portal',
  }),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
  }),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DISCORD_API_URL: optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), {
    message: 'must be an http(s) URL such as https://discord.com/api',
  }),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine((name) => canonicalTimezone(name) !== undefined, { message: 'must be an IANA timezone name such as Europe/Paris or UTC' })
    .transform((name) => canonicalTimezone(name)!),
  DATASET_MIRROR: optionalString,
  // 0: this process grades nothing (tf-study-bot worker processes do).
  GRADER_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  GRADE_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  MAX_UPLOAD_MB: z.coerce.number().min(1).max(2048).default(128),
  GRADES_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
  GRADE_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(30),
  /** A scheduled post missed while no process ran is still sent, late, within this many hours. */
  SCHEDULED_POST_GRACE_HOURS: z.coerce.number().min(0).max(168).default(6),
  GRADER_MEMORY_MB: z.coerce.number().int().min(256).max(1_048_576).default(3072),
  // The CPU niceness of grading (0: as the bot; 19: only what nothing else wants). Interactions and
  // the database come first on a host that also grades.
  GRADER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  METRICS_PORT: optionalString
    .refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65_535), {
      message: 'must be a port number (0 to 65535), or unset to serve no metrics',
    })
    .transform((v) => (v === undefined ? undefined : Number(v))),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
});

export type Config = {
  discordToken: string | undefined;
  discordAppId: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  discordApiUrl: string | undefined;
  logLevel: LogLevel;
  defaultTimezone: string;
  datasetMirror: string | undefined;
  /** Grading worker threads; default: the number of cores. */
  graderWorkers: number | undefined;
  gradeTimeoutMs: number;
  maxUploadBytes: number;
  gradesPerHour: number;
  /** How long a grade's claim lasts unrenewed: a dead process's grades are taken back after it. */
  gradeLeaseMs: number;
  postGraceMs: number;
  /** Resident memory of the grading process past which it is ended (its grades are retried). */
  graderMemoryMb: number;
  /** CPU niceness of grading processes and of `tf-study-bot worker` (Unix `nice`, 0-19). */
  graderNice: number;
  /** Where /healthz and /metrics are served; undefined: not served. 0 picks a free port (tests). */
  metricsPort: number | undefined;
  /** The address they listen on: loopback unless the operator opens it (0.0.0.0 in a container). */
  metricsHost: string;
};

export class ConfigError extends OperatorError {
  override name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export type ConfigNeeds = { discordToken?: boolean };

/**
 * Parses an environment into a Config. Every problem is collected so one start shows them all.
 * `needs.discordToken` is set by the subcommands that log in to Discord.
 */
export function parseConfig(env: NodeJS.ProcessEnv, needs: ConfigNeeds = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(environment)';
      problems.push(`${key} ${issue.message}`);
    }
  }
  if (needs.discordToken && !(env.DISCORD_TOKEN ?? '').trim()) {
    problems.push('DISCORD_TOKEN is required to start the bot (the token from the Bot page of your Discord application)');
  }
  if (parsed.success && parsed.data.GRADER_WORKERS === 0 && !parsed.data.DATABASE_URL) {
    problems.push(
      'GRADER_WORKERS=0 leaves grading to `tf-study-bot worker` processes, which need PostgreSQL (DATABASE_URL); with the embedded database nothing would grade. Unset GRADER_WORKERS, or set DATABASE_URL',
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;
  return {
    discordToken: v.DISCORD_TOKEN,
    discordAppId: v.DISCORD_APP_ID,
    databaseUrl: v.DATABASE_URL,
    dataDir: resolve(v.DATA_DIR),
    discordApiUrl: v.DISCORD_API_URL,
    logLevel: v.LOG_LEVEL,
    defaultTimezone: v.DEFAULT_TIMEZONE,
    datasetMirror: v.DATASET_MIRROR,
    graderWorkers: v.GRADER_WORKERS,
    gradeTimeoutMs: v.GRADE_TIMEOUT_SECONDS * 1000,
    maxUploadBytes: Math.round(v.MAX_UPLOAD_MB * 1024 * 1024),
    gradesPerHour: v.GRADES_PER_HOUR,
    gradeLeaseMs: Math.round(v.GRADE_LEASE_SECONDS * 1000),
    postGraceMs: Math.round(v.SCHEDULED_POST_GRACE_HOURS * 3_600_000),
    graderMemoryMb: v.GRADER_MEMORY_MB,
    graderNice: v.GRADER_NICE,
    metricsPort: v.METRICS_PORT,
    metricsHost: v.METRICS_HOST,
  };
}

/** Reads `.env` (if present) into process.env, without overriding what is already set, then parses. */
export function loadConfig(needs: ConfigNeeds = {}, cwd = process.cwd()): Config {
  const dotenvPath = resolve(cwd, '.env');
  if (existsSync(dotenvPath)) loadDotenv({ path: dotenvPath, quiet: true });
  return parseConfig(process.env, needs);
}
