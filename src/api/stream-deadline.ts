/**
 * Ends a server-sent event stream after `maxMs`, before a host's request time limit (Azure
 * Functions answers 230 s at most): the stream stops without `done`, and clients reconnect.
 */
export function streamDeadline(maxMs: number | undefined, end: () => void): () => void {
  if (maxMs === undefined) return () => {};
  const timer = setTimeout(end, maxMs);
  return () => clearTimeout(timer);
}
