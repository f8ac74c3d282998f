import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchange, openUrl } from "./transport.ts";

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A server that records what it is sent and answers with `answer(path)`. */
async function recordingServer(answer: (path: string) => Answer) {
  const seen: Seen[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "";
    seen.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString("latin1") });
    const { status, headers, body = `answered ${path}` } = answer(path);
    response.writeHead(status, { "content-type": "text/plain", ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
let upstream: Awaited<ReturnType<typeof recordingServer>>;

beforeAll(async () => {
  elsewhere = await recordingServer(() => ({ status: 200 }));
  upstream = await recordingServer((path): Answer => {
    if (path === "/moved") return { status: 302, headers: { location: "/here" } };
    if (path === "/away") return { status: 307, headers: { location: `${elsewhere.url}/file` } };
    if (path === "/big") return { status: 404, body: "x".repeat(4 * 1024 * 1024) };
    return { status: 200, headers: { "set-cookie": "a=1" } };
  });
});

afterAll(() => {
  upstream.server.close();
  elsewhere.server.close();
});

const signal = () => AbortSignal.timeout(5_000);

describe("the upstream transport", () => {
  it("answers with the status, the headers and the body", async () => {
    const answer = await exchange(`${upstream.url}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
      signal: signal(),
    });
    expect(answer).toMatchObject({ status: 200, text: "answered /things" });
    expect(answer.headers.get("set-cookie")).toBe("a=1");
    expect(upstream.seen.at(-1)?.body).toBe('{"a":1}');
  });

  it("follows a redirect on the same origin with the credentials", async () => {
    const answer = await exchange(`${upstream.url}/moved`, {
      headers: { authorization: "Bearer secret" },
      signal: signal(),
    });
    expect(answer.text).toBe("answered /here");
    expect(upstream.seen.at(-1)?.headers.authorization).toBe("Bearer secret");
  });

  it("drops the credentials when a redirect leaves the origin", async () => {
    const answer = await exchange(`${upstream.url}/away`, {
      headers: { authorization: "Bearer secret" },
      signal: signal(),
    });
    expect(answer.text).toBe("answered /file");
    expect(elsewhere.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("sends a form as multipart with its boundary", async () => {
    const form = new FormData();
    form.append("content", new Blob([Buffer.from("zip bytes")], { type: "application/zip" }), "photos.zip");
    await exchange(`${upstream.url}/files`, { method: "POST", body: form, signal: signal() });
    const { headers, body } = upstream.seen.at(-1) as Seen;
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(headers["content-type"] ?? "")?.[1];
    expect(boundary).toBeTruthy();
    expect(body).toContain(`--${boundary}`);
    expect(body).toContain('name="content"; filename="photos.zip"');
    expect(body).toContain("zip bytes");
  });

  it("opens a body as a stream, or drops it unread", async () => {
    const open = await openUrl(`${upstream.url}/stream`, { signal: signal() });
    const chunks: Buffer[] = [];
    for await (const chunk of open.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("answered /stream");
    for (const path of ["/dropped", "/big"]) {
      const dropped = await openUrl(`${upstream.url}${path}`, { signal: signal() });
      dropped.discard();
      await new Promise((resolve) => dropped.body.once("close", resolve));
    }
  });

  it("gives up with a TimeoutError when its signal fires", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      await expect(exchange(url, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
        name: "TimeoutError",
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
