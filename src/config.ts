/**
 * Configuration from environment variables (and `gengate serve` flags, which override them).
 * A bad value stops the start with a message naming the variable.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { parseDuration, parseRetention, RETENTION_FORMAT } from "./core/duration.ts";
import { ConfigError, parseEnv } from "./core/env-config.ts";
import { type StorageTarget, storageTargetOf } from "./storage/storage-config.ts";

export { ConfigError } from "./core/env-config.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** `all` is one embedded process; `api` and `worker` processes share a PostgreSQL database (queue mode). */
export const ROLES = ["all", "api", "worker"] as const;
export type Role = (typeof ROLES)[number];

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
  );

const ENV_SCHEMA = {
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  GENGATE_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: urlWithProtocol(["postgres:", "postgresql:"]).optional(),
  STORAGE_URL: urlWithProtocol(["file:", "s3:", "azblob:"]).optional(),
  STORAGE_SERVE: z.enum(["stream", "redirect"], { error: "must be stream or redirect" }).default("stream"),
  GENGATE_LINK_TTL: z
    .string()
    .default("24h")
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < 1000)
        ctx.addIssue({ code: "custom", message: "must be a duration such as 30m, 24h or 7d" });
      return ms ?? 0;
    }),
  GENGATE_PUBLIC_FILES: z.stringbool({ error: "must be 1 or 0 (true or false)" }).default(false),
  PUBLIC_URL: urlWithProtocol(["http:", "https:"]).optional(),
  GENGATE_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  GENGATE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  GENGATE_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024),
  GENGATE_CONFIG: z.string().min(1).optional(),
  GENGATE_ALLOW_PRIVATE_URLS: z.stringbool({ error: "must be 1 or 0 (true or false)" }).default(false),
  GENGATE_ROLE: z.enum(ROLES).default("all"),
  GENGATE_UNCONFIRMED_START_WAIT_SECONDS: z.coerce
    .number()
    .positive()
    .max(7 * 86_400, "must be at most 604800 (7 days)")
    .default(900),
  GENGATE_RETENTION: z
    .string()
    .transform((value, ctx) => {
      const ms = parseRetention(value);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: `must be ${RETENTION_FORMAT}` });
      return ms ?? 0;
    })
    .optional(),
  GENGATE_RETENTION_SWEEP_SECONDS: z.coerce
    .number()
    .positive()
    .max(86_400, "must be at most 86400 (a day)")
    .default(60),
  GENGATE_STREAM_MAX_SECONDS: z.coerce
    .number()
    .positive()
    .max(86_400, "must be at most 86400 (a day)")
    .optional(),
  GENGATE_DRAIN_SECONDS: z.coerce.number().min(0).max(3_600, "must be at most 3600 (an hour)").default(30),
  GENGATE_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  GENGATE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GENGATE_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  GENGATE_CORS_ORIGINS: z
    .string()
    .transform((text, ctx) => {
      const origins = text.split(",").map((origin) => origin.trim());
      const problem = corsOriginsProblem(origins);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      return origins;
    })
    .optional(),
} as const;

export type EnvName = keyof typeof ENV_SCHEMA;

const SECRET_VARIABLES: EnvName[] = [
  "GENGATE_ADMIN_TOKEN",
  "GENGATE_METRICS_TOKEN",
  "DATABASE_URL",
  "STORAGE_URL",
];

/** Where and to whom `/metrics` answers; off when neither a token nor a port is set. */
export interface MetricsConfig {
  /** The Bearer token a scraper must send; without it, the metrics port is open to whoever reaches it. */
  token: string | undefined;
  /** A listener of its own for `/metrics` (and nothing else); without it, `/metrics` is on the main port. */
  listen: { port: number; host: string } | undefined;
}

export interface Config {
  /** Which parts this process runs: the HTTP API, the workers, or both. */
  role: Role;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Where output and uploaded files are stored. */
  storage: StorageTarget;
  /** `redirect`: file links answer with a short-lived URL of the blob store (S3, Azure) instead of the bytes. */
  storageServe: "stream" | "redirect";
  /** How long a signed file link lasts. */
  linkTtlMs: number;
  /** File links are public and never expire (no signature). */
  publicFiles: boolean;
  publicUrl: string | undefined;
  adminToken: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  maxBodyBytes: number;
  maxFileBytes: number;
  /** The configuration file named by GENGATE_CONFIG (else ./gengate.config.json if present). */
  configFile: string | undefined;
  /** gengate may fetch input URLs from loopback, private and other non-public addresses. */
  allowPrivateUrls: boolean;
  /** How long a process told to stop (SIGTERM) lets open requests and running work finish. */
  drainMs: number;
  /** How long a start whose answer was lost waits for the provider's webhook to name its work. */
  unconfirmedStartWaitMs: number;
  /** How long an ended prediction's files and data are kept; undefined: forever. */
  retentionMs: number | undefined;
  /** How often the retention sweep looks for predictions due. */
  retentionSweepMs: number;
  /** Server-sent event streams end after this long, for clients to reconnect; undefined: never. */
  streamMaxMs: number | undefined;
  /** Prometheus metrics; undefined: off (nothing is counted). */
  metrics: MetricsConfig | undefined;
  /** Browser origins allowed to call the API (`["*"]`: any); undefined: no CORS. */
  corsOrigins: string[] | undefined;
}

/** Reads the configuration; `overrides` (from CLI flags) win over the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<EnvName, string | undefined>> = {},
): Config {
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined);
  const merged = { ...env, ...Object.fromEntries(given) };
  const v = parseEnv(ENV_SCHEMA, merged, SECRET_VARIABLES);
  const dataDir = resolve(v.GENGATE_DATA_DIR);
  if (v.GENGATE_ROLE !== "all" && v.DATABASE_URL === undefined) {
    throw new ConfigError(
      `GENGATE_ROLE: the ${v.GENGATE_ROLE} role needs DATABASE_URL (PostgreSQL): api and worker processes share one database, and a SQLite file serves a single process; use the role all for one process on SQLite`,
    );
  }
  return {
    role: v.GENGATE_ROLE,
    port: v.PORT,
    host: v.HOST,
    dataDir,
    databaseUrl: v.DATABASE_URL,
    storage: storageTargetOf(v.STORAGE_URL, merged, dataDir),
    storageServe: v.STORAGE_SERVE,
    linkTtlMs: v.GENGATE_LINK_TTL,
    publicFiles: v.GENGATE_PUBLIC_FILES,
    publicUrl: v.PUBLIC_URL?.replace(/\/+$/, ""),
    adminToken: v.GENGATE_ADMIN_TOKEN,
    logLevel: v.LOG_LEVEL,
    maxBodyBytes: v.GENGATE_MAX_BODY_BYTES,
    maxFileBytes: v.GENGATE_MAX_FILE_BYTES,
    configFile: v.GENGATE_CONFIG,
    allowPrivateUrls: v.GENGATE_ALLOW_PRIVATE_URLS,
    unconfirmedStartWaitMs: v.GENGATE_UNCONFIRMED_START_WAIT_SECONDS * 1000,
    retentionMs: v.GENGATE_RETENTION,
    retentionSweepMs: v.GENGATE_RETENTION_SWEEP_SECONDS * 1000,
    streamMaxMs: v.GENGATE_STREAM_MAX_SECONDS === undefined ? undefined : v.GENGATE_STREAM_MAX_SECONDS * 1000,
    drainMs: v.GENGATE_DRAIN_SECONDS * 1000,
    metrics:
      v.GENGATE_METRICS_TOKEN === undefined && v.GENGATE_METRICS_PORT === undefined
        ? undefined
        : {
            token: v.GENGATE_METRICS_TOKEN,
            listen:
              v.GENGATE_METRICS_PORT === undefined
                ? undefined
                : { port: v.GENGATE_METRICS_PORT, host: v.GENGATE_METRICS_HOST },
          },
    corsOrigins: v.GENGATE_CORS_ORIGINS,
  };
}

/** Why these are not CORS origins (`*` alone, or `scheme://host[:port]` each), or undefined. */
function corsOriginsProblem(origins: string[]): string | undefined {
  if (origins.includes("*"))
    return origins.length === 1 ? undefined : "* allows every origin: write it alone";
  for (const origin of origins) {
    const url = URL.parse(origin);
    if (!url || !["http:", "https:"].includes(url.protocol) || url.origin !== origin)
      return `${JSON.stringify(origin)} is not an origin: write scheme://host[:port] without a path or a trailing slash, e.g. https://app.example.com, or * for any`;
  }
  return undefined;
}
