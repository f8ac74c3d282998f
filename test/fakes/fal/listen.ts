import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `app` on a free port of 127.0.0.1 (or `port`). */
export async function listen(app: Hono, port = 0): Promise<Listening> {
  const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
