/**
 * The toolkit's HTTP helper against a real HTTP server: credentials for the upstream's own origin
 * only, the status → error table, failures without an answer, pacing by an engine rate bucket, and
 * an injected `fetch`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/free-port.ts";
import { GatewayError } from "../../core/errors.ts";
import { LocalRateLimiter } from "../../core/rate-limiter.ts";
import { UpstreamHttp, type UpstreamHttpOptions } from "./http.ts";

const SECRET = "sk-very-secret";
const UPSTREAM = { name: "Acme", keySetting: "ACME_API_KEY" };

interface Seen {
  path: string;
  authorization: string | undefined;
}
let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** What the next requests answer, by path. */
let answers: Record<
  string,
  { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
>;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    const path = request.url ?? "/";
    seen.push({ path, authorization: request.headers.authorization });
    const answer = answers[path] ?? {
      status: 200,
      body: JSON.stringify({ ok: true, echo: SECRET.slice(0, 3) }),
    };
    setTimeout(() => {
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body ?? "");
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  answers = {};
});

const http = (options: Partial<UpstreamHttpOptions> = {}) =>
  new UpstreamHttp({
    upstream: UPSTREAM,
    baseUrl,
    credentials: { authorization: `Bearer ${SECRET}` },
    secrets: [SECRET],
    ...options,
  });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as GatewayError,
  );

describe("UpstreamHttp", () => {
  it("sends the credentials to its own origin, and refuses URLs elsewhere without sending", async () => {
    const client = http();
    expect(await client.json("/things", { what: "listing things" })).toEqual({ ok: true, echo: "sk-" });
    expect(seen).toEqual([{ path: "/v1/things", authorization: `Bearer ${SECRET}` }]);
    const off = await failure(client.json("http://localhost:1/v1/steal", { what: "following a link" }));
    expect(off).toMatchObject({
      code: "provider_error",
      message: expect.stringContaining("outside its API"),
    });
    expect(seen).toHaveLength(1);
    expect(client.credentialsFor("https://files.example.com/out.png")).toEqual({});
    expect(
      http({ trusts: (host) => host.endsWith(".example.com") }).credentialsFor("https://a.example.com/x"),
    ).toEqual({
      authorization: `Bearer ${SECRET}`,
    });
  });

  it("maps a refusal of gengate's key to a 502 naming the setting, never the key", async () => {
    answers["/v1/things"] = { status: 401, body: JSON.stringify({ detail: `bad token ${SECRET}` }) };
    const error = await failure(http().json("/things", { what: "listing things" }));
    expect([error?.code, error?.status, error?.retryable, error?.configSetting]).toEqual([
      "provider_error",
      502,
      false,
      "ACME_API_KEY",
    ]);
    expect(error?.message).toMatch(/^gengate is misconfigured: Acme answered HTTP 401 while listing things/);
    expect(JSON.stringify([error?.message, error?.providerDetail])).not.toContain(SECRET);
  });

  it("lets the upstream read its own errors first, and the table the rest", async () => {
    const readError = ({ status }: { status: number }) =>
      status === 400 ? new GatewayError("invalid_input", "Acme's own verdict") : undefined;
    answers["/v1/a"] = { status: 400, body: "{}" };
    answers["/v1/b"] = { status: 429, headers: { "retry-after": "3" }, body: "{}" };
    const client = http({ readError });
    expect(await failure(client.json("/a", { what: "a" }))).toMatchObject({ code: "invalid_input" });
    expect(await failure(client.json("/b", { what: "b" }))).toMatchObject({
      code: "rate_limited",
      retryAfterMs: 3_000,
    });
  });

  it("tells a timeout (the request may have arrived) from an upstream never reached", async () => {
    answers["/v1/slow"] = { status: 200, delayMs: 500 };
    const late = await failure(http({ timeoutMs: 50 }).json("/slow", { what: "waiting", start: true }));
    expect(late).toMatchObject({ code: "timeout", outcomeUnknown: true });
    expect(late?.message).toBe("Acme: no answer in time while waiting");
    const closed = new UpstreamHttp({
      upstream: UPSTREAM,
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      credentials: {},
    });
    const unreachable = await failure(closed.json("/x", { what: "starting", start: true }));
    expect(unreachable).toMatchObject({ code: "provider_unavailable", outcomeUnknown: false });
  });

  it("paces requests other than starts by the engine's bucket, and learns from a 429", async () => {
    const budget = new LocalRateLimiter().bucket("acme:requests", 60, 1);
    const client = http({ budget });
    await client.send("/one", { what: "one" });
    // The bucket is empty now: a start is the engine's to pace and goes at once.
    await client.send("/start", { what: "starting", start: true });
    expect(seen.map((s) => s.path)).toEqual(["/v1/one", "/v1/start"]);
    answers["/v1/limited"] = { status: 429, headers: { "retry-after": "60" }, body: "{}" };
    const paced = new LocalRateLimiter().bucket("acme:other", 6_000, 5);
    const limited = http({ budget: paced });
    await limited.send("/limited", { what: "limited" });
    const refused = await failure(limited.send("/after", { what: "asking again" }));
    expect(refused).toMatchObject({
      code: "rate_limited",
      message: "gengate is pacing requests to Acme (asking again)",
    });
    expect(refused?.retryAfterMs).toBeGreaterThan(50_000);
    expect(seen.map((s) => s.path)).not.toContain("/v1/after");
  });

  it("calls an injected fetch", async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ from: "injected" }), { status: 200 });
    };
    expect(await http({ fetch: fake }).json("/things", { what: "x" })).toEqual({ from: "injected" });
    expect(calls).toEqual([`${baseUrl}/things`]);
    expect(seen).toEqual([]);
  });

  it("streams a 2xx answer's body as it comes, and turns another status into its error", async () => {
    const fake: typeof fetch = async (_input, init) =>
      JSON.parse(String(init?.body)).ok
        ? new Response("data: one\n\n", { status: 200, headers: { "content-type": "text/event-stream" } })
        : new Response(JSON.stringify({ error: { message: "tools need a parser", code: 400 } }), {
            status: 400,
          });
    const { body } = await http({ fetch: fake }).stream("/chat", { json: { ok: true }, what: "chatting" });
    expect(await new Response(body).text()).toBe("data: one\n\n");
    const refused = await http({ fetch: fake })
      .stream("/chat", { json: { ok: false }, what: "chatting" })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).message).toContain("tools need a parser");
  });
});
