/** Configuration from environment variables, validated with zod; a bad value names its variable. */
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type EnvSchema = Record<string, z.ZodType>;
export type EnvValues<S extends EnvSchema> = { [K in keyof S]: z.infer<S[K]> };

/**
 * Parses each variable of `schema` from `env`; an empty string counts as unset. The values of
 * `secrets` are never repeated in an error.
 */
export function parseEnv<S extends EnvSchema>(
  schema: S,
  env: Record<string, string | undefined>,
  secrets: ReadonlyArray<keyof S> = [],
): EnvValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(schema)) {
    const raw = env[name];
    const parsed = variable.safeParse(raw === "" ? undefined : raw);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? "invalid value";
      const got = secrets.includes(name) ? "" : ` (got ${JSON.stringify(raw)})`;
      throw new ConfigError(`${name}: ${reason}${got}`);
    }
    values[name] = parsed.data;
  }
  return values as EnvValues<S>;
}

/** Parses one section of the configuration file; a mistake names the file, the path in it and the reason. */
export function parseSettings<T extends z.ZodType>(
  schema: T,
  value: unknown,
  file: string,
  path: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = [path, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  throw new ConfigError(`${file}: ${at}: ${issue?.message ?? "invalid value"}`);
}
