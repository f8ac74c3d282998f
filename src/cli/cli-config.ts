/**
 * What the CLI remembers between runs: the server URL and token it was last given with --url and
 * --token, in `$XDG_CONFIG_HOME/gengate/config.json` (else `~/.config/gengate/config.json`), mode 600.
 * A flag or an environment variable still wins over it.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { CliError } from "./cli-error.ts";
import { writePrivateFile } from "./private-file.ts";

const CONFIG_SCHEMA = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  token: z.string().min(1).optional(),
});

export type CliConfig = z.infer<typeof CONFIG_SCHEMA>;

export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG base directory specification says to ignore a relative XDG_CONFIG_HOME.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".config");
  return join(base, "gengate", "config.json");
}

export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = cliConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${path}: not valid JSON; fix it or delete it`);
  }
  const parsed = CONFIG_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${path}: ${issue?.path.join(".") || "file"}: ${issue?.message}; fix it or delete it`);
  }
  return parsed.data;
}

/** Stores `changes` over what is remembered; true when that changed anything. */
export function rememberCliConfig(changes: CliConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  const current = readCliConfig(env);
  const next = { ...current, ...changes };
  if (next.url === current.url && next.token === current.token) return false;
  writePrivateFile(cliConfigPath(env), `${JSON.stringify(next, null, 2)}\n`);
  return true;
}
