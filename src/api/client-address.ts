import type { Context } from "hono";

/** The address of the connection (behind a proxy, the proxy's); undefined when the host does not say. */
export function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
