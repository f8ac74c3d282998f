/** The `.env` file `gengate init` writes: existing lines kept, the variables it sets replaced or added. */
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { CliError } from "../cli-error.ts";

export interface EnvFile {
  path: string;
  /** The file as it is, or "" when there is none. */
  text: string;
  values: Record<string, string>;
}

export function readEnvFile(path: string): EnvFile {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return { path, text, values: parseEnv(text) as Record<string, string> };
}

/** `NAME=value`, quoted when the value holds anything but the characters of keys and URLs. */
function envLine(name: string, value: string): string {
  if (/^[\w.:/+=@,-]*$/.test(value)) return `${name}=${value}`;
  if (/[\r\n']/.test(value)) throw new CliError(`${name}: a value for .env cannot hold a line break or a '`);
  return `${name}='${value}'`;
}

/** `text` with each variable of `changes` set: its line replaced where it is, else added at the end. */
export function withValues(text: string, changes: Record<string, string>): string {
  const pending = new Map(Object.entries(changes));
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  const updated = lines.map((line) => {
    const name = /^\s*(?:export\s+)?([\w.-]+)\s*=/.exec(line)?.[1];
    const value = name === undefined ? undefined : pending.get(name);
    if (name === undefined || value === undefined) return line;
    pending.delete(name);
    return envLine(name, value);
  });
  const added = [...pending].map(([name, value]) => envLine(name, value));
  return `${[...updated, ...added].join("\n")}\n`;
}
