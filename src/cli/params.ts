import { InvalidArgumentError } from "commander";
import { parseValue } from "../core/parse-value.ts";

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError("must be a positive integer");
  return value;
}

export function nonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError("must be a whole number, 0 or more");
  return Number(text);
}

/** Commander collector for repeatable `--param key=value`; values are JSON when they parse, else strings. */
export function collectParam(text: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("must look like key=value");
  return { ...params, [text.slice(0, at)]: parseValue(text.slice(at + 1)) };
}
