/**
 * Commander parsers for the values of the admin commands' flags; each refusal names what the flag
 * takes (commander adds the flag's name).
 */
import { InvalidArgumentError } from "commander";
import { isIpRange } from "../../core/ip-ranges.ts";
import { BUDGET_PERIODS, type BudgetPeriod, SCOPES, type Scope } from "../../core/limits.ts";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Comma-separated, trimmed, empty items dropped. */
export function commaList(text: string): string[] {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw new InvalidArgumentError("must list at least one value, comma-separated");
  return items;
}

export function scopeList(text: string): Scope[] {
  const scopes = commaList(text);
  const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown !== undefined)
    throw new InvalidArgumentError(`${unknown} is not a scope; the scopes are ${SCOPES.join(", ")}`);
  return scopes as Scope[];
}

export function ipRanges(text: string): string[] {
  const ranges = commaList(text);
  const bad = ranges.find((range) => !isIpRange(range));
  if (bad !== undefined)
    throw new InvalidArgumentError(`${bad} is not an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8`);
  return ranges;
}

export function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw new InvalidArgumentError("must be a whole number, 1 or more");
  return Number(text);
}

export function dollars(text: string): number {
  const value = Number(text.replace(/^\$/, ""));
  if (text.trim() === "" || !Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError("must be an amount of US dollars, 0 or more, e.g. 25 or 7.50");
  return value;
}

export function fraction(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !(value > 0 && value <= 1))
    throw new InvalidArgumentError("must be a fraction of the budget, more than 0 and at most 1, e.g. 0.8");
  return value;
}

export function period(text: string): BudgetPeriod {
  if (!(BUDGET_PERIODS as readonly string[]).includes(text))
    throw new InvalidArgumentError(`must be one of ${BUDGET_PERIODS.join(", ")}`);
  return text as BudgetPeriod;
}

export function httpUrl(text: string): string {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw new InvalidArgumentError("must be an http(s) URL");
  return text;
}

/** An ISO 8601 date or time, or a span from now such as 30d, 12h, 90m or 2w; as an ISO time. */
function moment(text: string, direction: 1 | -1): string {
  const span = /^(\d+)([mhdw])$/.exec(text.trim());
  if (span) {
    const [, count, unit] = span;
    return new Date(
      Date.now() + direction * Number(count) * UNIT_MS[unit as keyof typeof UNIT_MS],
    ).toISOString();
  }
  // Date.parse reads a bare date as midnight UTC, and a time without an offset as local time.
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(Date.parse(text)))
    throw new InvalidArgumentError(
      `must be an ISO 8601 date or time (2027-01-31, 2027-01-31T12:00:00Z) or a span such as ${direction > 0 ? "30d" : "7d"} (m, h, d, w)`,
    );
  return new Date(text).toISOString();
}

/** A time in the future: `30d` is 30 days from now. */
export const futureMoment = (text: string) => moment(text, 1);
/** A time in the past: `7d` is 7 days ago. */
export const pastMoment = (text: string) => moment(text, -1);
