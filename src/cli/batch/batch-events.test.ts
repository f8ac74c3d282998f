import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api-client.ts";
import { followBatchEvents } from "./batch-events.ts";

const counts = { total: 1, queued: 0, starting: 0, processing: 0, succeeded: 1, failed: 0, canceled: 0 };
const cost = { usd: 0, unpriced_items: 0 };

async function serve(listener: RequestListener, run: (client: ApiClient) => Promise<void>): Promise<void> {
  const server: Server = createServer(listener);
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await run(new ApiClient(url, "token"));
  } finally {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
}

const ignore = { progress() {}, item() {} };

describe("followBatchEvents", () => {
  it("hands over progress and items, and ends with the done event", async () => {
    const stream = [
      ["progress", { status: "processing", counts, cost }],
      ["item", { index: 1, status: "succeeded" }],
      ["done", { id: "b1", status: "completed", counts, cost }],
    ];
    await serve(
      (_, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        // Split mid-event: the parser, not the chunking, decides where events end.
        const text = stream
          .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
          .join("");
        res.write(text.slice(0, 30));
        setTimeout(() => res.end(text.slice(30)), 20);
      },
      async (client) => {
        const seen: string[] = [];
        const done = await followBatchEvents(client, "/v1/batches/b1/events", {
          progress: (p) => seen.push(`progress ${p.status}`),
          item: (i) => seen.push(`item ${i.index}`),
        });
        expect(seen).toEqual(["progress processing", "item 1"]);
        expect(done).toMatchObject({ id: "b1", status: "completed" });
      },
    );
  });

  it("connects again when the stream ends before done", async () => {
    let connections = 0;
    await serve(
      (_, res) => {
        connections++;
        res.writeHead(200, { "content-type": "text/event-stream" });
        if (connections === 1) res.end(`event: progress\ndata: ${JSON.stringify({ counts, cost })}\n\n`);
        else res.end(`event: done\ndata: ${JSON.stringify({ id: "b1", counts, cost })}\n\n`);
      },
      async (client) => {
        await expect(followBatchEvents(client, "/v1/batches/b1/events", ignore)).resolves.toMatchObject({
          id: "b1",
        });
        expect(connections).toBe(2);
      },
    );
  });

  it("gives up after the reconnect window, telling to rerun the command", async () => {
    await serve(
      (_, res) => res.writeHead(503).end(),
      async (client) => {
        const started = Date.now();
        await expect(followBatchEvents(client, "/v1/batches/b1/events", ignore, 300)).rejects.toThrow(
          /^lost the connection to gengate \(.*HTTP 503\)\)\. .*rerun the same command to resume it/,
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      },
    );
  });

  it("fails at once when the server refuses the request", async () => {
    await serve(
      (_, res) =>
        res.writeHead(404, { "content-type": "application/problem+json" }).end('{"detail":"not found"}'),
      async (client) => {
        const started = Date.now();
        await expect(followBatchEvents(client, "/v1/batches/b1/events", ignore)).rejects.toThrow(
          "not found (HTTP 404)",
        );
        expect(Date.now() - started).toBeLessThan(1_000);
      },
    );
  });
});
