/** Numbers in words for progress lines and summaries. */

/** "4.2s", "3m 05s", "2h 07m". */
export function formatDuration(ms: number): string {
  // Below 59.95 s, as that would round to "60.0s".
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}

/** "1 item", "3 items". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

const pad = (n: number) => String(n).padStart(2, "0");
