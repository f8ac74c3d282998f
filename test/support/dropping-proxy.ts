/**
 * A real HTTP proxy on loopback in front of an upstream that loses answers: it forwards every
 * request, and for the first `count` requests `drop` picks it lets the upstream answer in full,
 * then closes the client's connection without passing the answer on (or, with `hold`, keeps the
 * connection open and never answers). The upstream did the work; the client cannot know. Every
 * other answer is passed through as it came.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  headers: IncomingMessage["headers"];
}

export interface DroppingProxyOptions {
  /** Which requests lose their answer. */
  drop(request: ProxiedRequest): boolean;
  /** How many of them; 1 by default. */
  count?: number;
  /** Keep their connections open without an answer instead of closing them (until close()). */
  hold?: boolean;
}

export interface DroppingProxy {
  /** The upstream URL with the proxy's origin (the same path), to configure instead of it. */
  url: string;
  /** Every request forwarded, in order. */
  forwarded: ProxiedRequest[];
  /** The requests whose answers were dropped (each reached the upstream, which answered it). */
  dropped: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startDroppingProxy(
  upstream: string,
  options: DroppingProxyOptions,
): Promise<DroppingProxy> {
  const target = new URL(upstream);
  const forwarded: ProxiedRequest[] = [];
  const dropped: ProxiedRequest[] = [];
  let left = options.count ?? 1;

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const seen = { method: incoming.method ?? "GET", path: incoming.url ?? "/", headers: incoming.headers };
    forwarded.push(seen);
    const drop = left > 0 && options.drop(seen);
    if (drop) left -= 1;
    const upstreamRequest = request(
      {
        host: target.hostname,
        port: target.port,
        method: seen.method,
        path: seen.path,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        if (!drop) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        answer.resume();
        answer.on("end", () => {
          dropped.push(seen);
          if (!options.hold) incoming.socket.destroy();
        });
      },
    );
    upstreamRequest.on("error", () => incoming.socket.destroy());
    incoming.pipe(upstreamRequest);
  };

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(upstream);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.href.replace(/\/$/, ""),
    forwarded,
    dropped,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
