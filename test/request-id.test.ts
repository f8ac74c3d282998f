/** Every answer carries `x-request-id`: the client's own when it sent one, else a new one. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(() => gateway.close());

it("is on every kind of answer, echoing the client's", async () => {
  const created = await gateway.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers: { prefer: "wait" },
    body: JSON.stringify({ input: { prompt: "x", width: 64, height: 64 } }),
  });
  const prediction = (await created.json()) as { id: string; output: string[] };
  const batch = (await (
    await gateway.api("/v1/batches", {
      method: "POST",
      body: JSON.stringify({
        model: "sim/image",
        items: [{ input: { prompt: "x", width: 64, height: 64 } }],
      }),
    })
  ).json()) as { id: string };
  const requests: [string, RequestInit?][] = [
    ["/health"],
    ["/openapi.json"],
    ["/v1/predictions"],
    [`/v1/predictions/${prediction.id}`],
    [`/v1/predictions/${prediction.id}/stream`],
    [`/v1/batches/${batch.id}/archive`],
    [new URL(prediction.output[0] ?? "").pathname],
    ["/v1/predictions/nope"],
    ["/v1/nowhere"],
    ["/v1/models/sim/image/predictions", { method: "POST", body: "{" }],
    ["/openai/v1/models"],
    ["/openai/v1/chat/completions", { method: "POST", body: "{}" }],
  ];
  for (const [path, init = {}] of requests) {
    const echoed = await gateway.api(path, { ...init, headers: { "x-request-id": "client-id-42" } });
    await echoed.body?.cancel();
    expect(echoed.headers.get("x-request-id"), path).toBe("client-id-42");
    const fresh = await gateway.api(path, init);
    await fresh.body?.cancel();
    expect(fresh.headers.get("x-request-id"), path).toMatch(/^[\w-]{8,}$/);
  }
  const unauthenticated = await fetch(`${gateway.url}/v1/predictions`, {
    headers: { "x-request-id": "anon-1" },
  });
  expect([unauthenticated.status, unauthenticated.headers.get("x-request-id")]).toEqual([401, "anon-1"]);
});
