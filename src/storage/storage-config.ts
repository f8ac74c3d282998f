/**
 * Where files are stored, from `STORAGE_URL` and the variables of its driver:
 * `file:///path` (or unset: the data folder's `files`), `s3://bucket/prefix`, `azblob://container/prefix`.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError, parseEnv } from "../core/env-config.ts";

export type StorageTarget =
  | { driver: "file"; dir: string }
  | {
      driver: "s3";
      bucket: string;
      prefix: string;
      region: string;
      endpoint: string | undefined;
      forcePathStyle: boolean;
      /** Undefined: the AWS SDK's default chain (profiles, instance roles…). */
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
    }
  | {
      driver: "azblob";
      container: string;
      prefix: string;
      credentials: { connectionString: string } | { account: string; key: string };
    };

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

const S3_SCHEMA = {
  S3_ENDPOINT: httpUrl.optional(),
  S3_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.stringbool({ error: "must be 1 or 0 (true or false)" }).default(false),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
};

const AZURE_SCHEMA = {
  AZURE_STORAGE_CONNECTION_STRING: z
    .string()
    .refine(
      (value) => /(^|;)\s*AccountKey=/i.test(value),
      "must hold the AccountKey (SAS-only strings cannot sign links)",
    )
    .optional(),
  AZURE_STORAGE_ACCOUNT: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, "must be a storage account name")
    .optional(),
  AZURE_STORAGE_KEY: z.string().min(1).optional(),
};

/** Variables whose values never appear in an error or a log. */
export const STORAGE_SECRETS = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AZURE_STORAGE_CONNECTION_STRING",
  "AZURE_STORAGE_KEY",
];

/** `/a/b/` → `a/b/`; `/` → ``. */
const prefixOf = (url: URL) => {
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  return path ? `${path}/` : "";
};

/** The storage `url` names (`variable` is where it came from, for errors); unset: `<dataDir>/files`. */
export function storageTargetOf(
  url: string | undefined,
  env: Record<string, string | undefined>,
  dataDir: string,
  variable = "STORAGE_URL",
): StorageTarget {
  if (!url) return { driver: "file", dir: resolve(dataDir, "files") };
  const parsed = URL.parse(url);
  if (!parsed) throw new ConfigError(`${variable}: must be a file://, s3:// or azblob:// URL`);
  if (parsed.protocol === "file:") return { driver: "file", dir: decodeURIComponent(parsed.pathname) };
  if (!parsed.hostname)
    throw new ConfigError(`${variable}: names no ${parsed.protocol === "s3:" ? "bucket" : "container"}`);
  if (parsed.protocol === "s3:") {
    const v = parseEnv(S3_SCHEMA, env, STORAGE_SECRETS as (keyof typeof S3_SCHEMA)[]);
    if (Boolean(v.AWS_ACCESS_KEY_ID) !== Boolean(v.AWS_SECRET_ACCESS_KEY))
      throw new ConfigError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both, or neither");
    return {
      driver: "s3",
      bucket: parsed.hostname,
      prefix: prefixOf(parsed),
      region: v.S3_REGION ?? v.AWS_REGION ?? "us-east-1",
      endpoint: v.S3_ENDPOINT,
      forcePathStyle: v.S3_FORCE_PATH_STYLE,
      credentials:
        v.AWS_ACCESS_KEY_ID && v.AWS_SECRET_ACCESS_KEY
          ? {
              accessKeyId: v.AWS_ACCESS_KEY_ID,
              secretAccessKey: v.AWS_SECRET_ACCESS_KEY,
              ...(v.AWS_SESSION_TOKEN && { sessionToken: v.AWS_SESSION_TOKEN }),
            }
          : undefined,
    };
  }
  if (parsed.protocol === "azblob:") {
    const v = parseEnv(AZURE_SCHEMA, env, STORAGE_SECRETS as (keyof typeof AZURE_SCHEMA)[]);
    const container = { driver: "azblob" as const, container: parsed.hostname, prefix: prefixOf(parsed) };
    if (v.AZURE_STORAGE_CONNECTION_STRING)
      return { ...container, credentials: { connectionString: v.AZURE_STORAGE_CONNECTION_STRING } };
    if (v.AZURE_STORAGE_ACCOUNT && v.AZURE_STORAGE_KEY)
      return { ...container, credentials: { account: v.AZURE_STORAGE_ACCOUNT, key: v.AZURE_STORAGE_KEY } };
    throw new ConfigError(
      `${variable}: azblob:// needs AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY`,
    );
  }
  throw new ConfigError(
    `${variable}: must start with file://, s3:// or azblob:// (got ${parsed.protocol}//)`,
  );
}
