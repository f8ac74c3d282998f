/**
 * The optional configuration file, `gengate.config.json` (or the file GENGATE_CONFIG names):
 * settings that do not fit in environment variables, such as a provider's models.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError, parseSettings } from "./core/env-config.ts";

export const DEFAULT_CONFIG_FILE = "gengate.config.json";

const FILE_SCHEMA = z.strictObject({
  $schema: z.string().optional(),
  /** Per provider id, that provider's own settings (each provider validates its section). */
  providers: z.record(z.string(), z.unknown()).default({}),
  /** Model aliases of the catalog (validated by the catalog). */
  models: z.unknown().optional(),
  /** Routing: circuit breaker, per-provider limits (validated by the catalog). */
  routing: z.unknown().optional(),
  /** Prices per provider and provider model, for the cost of batches (validated by the catalog). */
  pricing: z.unknown().optional(),
  /** The OpenAI-compatible API's settings: OpenAI's model names mapped to gengate's (validated by it). */
  openai: z.unknown().optional(),
});

export interface FileConfig {
  /** The file read, or undefined when there is none. */
  path: string | undefined;
  providers: Record<string, unknown>;
  models?: unknown;
  routing?: unknown;
  pricing?: unknown;
  openai?: unknown;
}

/** Reads `path`, or ./gengate.config.json when it exists; a file named explicitly must exist. */
export function loadFileConfig(path: string | undefined): FileConfig {
  const file = resolve(path ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`GENGATE_CONFIG: ${file} does not exist`);
    return { path: undefined, providers: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseSettings(FILE_SCHEMA, json, file, "");
  const { providers, models, routing, pricing, openai } = parsed;
  return { path: file, providers, models, routing, pricing, openai };
}
