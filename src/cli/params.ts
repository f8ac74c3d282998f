import { InvalidArgumentError } from "commander";

/** Commander collector for repeatable `--param key=value`; values are JSON when they parse, else strings. */
export function collectParam(text: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("must look like key=value");
  return { ...params, [text.slice(0, at)]: parseValue(text.slice(at + 1)) };
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
