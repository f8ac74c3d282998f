// @ts-check
/** Small formatting helpers shared by the pages. */

export const TERMINAL = ["succeeded", "failed", "canceled"];

/** @param {string} status */
export const isTerminal = (status) => TERMINAL.includes(status);

/**
 * Seconds between two ISO times (to now when `end` is null), e.g. "1.4 s".
 * @param {string | null | undefined} start
 * @param {string | null | undefined} end
 */
export function duration(start, end) {
  if (!start) return "";
  const ms = (end ? Date.parse(end) : Date.now()) - Date.parse(start);
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** @param {string | null | undefined} iso */
export function dateTime(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }) : "";
}

/**
 * The prompt of an input (or its first text), cut to `max` characters.
 * @param {Record<string, unknown>} input
 * @param {number} max
 */
export function promptOf(input, max = 90) {
  const text =
    typeof input.prompt === "string" ? input.prompt : Object.values(input).find((v) => typeof v === "string");
  if (typeof text !== "string") return "";
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Progress in percent from a model's logs: the last tqdm bar (` 42%|`) or `Step n/m` line.
 * @param {string} logs
 * @returns {number | undefined}
 */
export function progressOf(logs) {
  let found;
  for (const line of logs.split("\n")) {
    const bar = /(\d{1,3})%\|/.exec(line);
    const step = /\bStep (\d+)\s*\/\s*(\d+)/i.exec(line);
    if (bar) found = Number(bar[1]);
    else if (step && Number(step[2]) > 0) found = (100 * Number(step[1])) / Number(step[2]);
  }
  return found === undefined ? undefined : Math.min(100, Math.round(found));
}
