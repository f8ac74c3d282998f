/** The parts of the public API the web dashboard relies on: the account, list filters and logs on the stream. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../src/core/api-tokens.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { readSse } from "./support/sse.ts";

let gateway: TestGateway;
const OTHER_TOKEN = "gg_dashboard_api_other_token_0123456789";

beforeAll(async () => {
  gateway = await startGateway();
  await gateway.store.tokens.create({ name: "other", tokenHash: hashApiToken(OTHER_TOKEN), isAdmin: false });
});

afterAll(() => gateway.close());

type Json = { id: string; status: string; model: string; logs: string; urls: Record<string, string> };
type Page = { next: string | null; results: Json[] };

const asOther = (path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${OTHER_TOKEN}` } });

async function run(model: string, input: Record<string, unknown>, token?: string): Promise<Json> {
  const response = await fetch(`${gateway.url}/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token ?? gateway.token}`, prefer: "wait=10" },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

describe("GET /v1/account", () => {
  it("names the token's account and says whether it is an admin", async () => {
    const admin = await (await gateway.api("/v1/account")).json();
    expect(admin).toMatchObject({ type: "user", username: expect.any(String), gengate: { admin: true } });
    const other = await (await asOther("/v1/account")).json();
    // `username` is the owner the token makes models as; `name` is the token's.
    expect(other).toMatchObject({
      type: "user",
      username: "sim-lora",
      name: "other",
      gengate: { admin: false },
    });
    expect((await fetch(`${gateway.url}/v1/account`)).status).toBe(401);
  });
});

describe("GET /v1/predictions filters", () => {
  it("filters by status and model, keeps the filters in next links, and stays within the token", async () => {
    const image = await run("sim/image", { prompt: "filtered", width: 64, height: 64 });
    const failed = await run("sim/image", { prompt: "filtered", width: 64, height: 64, fail: true });
    const text = await run("sim/text", { prompt: "filtered", max_tokens: 3 });
    const theirs = await run("sim/image", { prompt: "theirs", width: 64, height: 64 }, OTHER_TOKEN);
    expect([image.status, failed.status, text.status, theirs.status]).toEqual([
      "succeeded",
      "failed",
      "succeeded",
      "succeeded",
    ]);

    const ids = async (query: string, fetcher = gateway.api) =>
      ((await (await fetcher(`/v1/predictions?${query}`)).json()) as Page).results.map((p) => p.id);
    expect(await ids("model=sim/image&status=succeeded")).toEqual([theirs.id, image.id]);
    expect(await ids("model=sim/image&status=failed,canceled")).toEqual([failed.id]);
    expect(await ids("model=sim/text")).toEqual([text.id]);
    expect(await ids("model=sim/image&status=succeeded", asOther)).toEqual([theirs.id]);
    expect(await ids("model=sim/text", asOther)).toEqual([]);

    for (let i = 0; i < 100; i++)
      await gateway.api(`/v1/models/sim/text/predictions`, {
        method: "POST",
        body: JSON.stringify({ input: { prompt: `page ${i}`, max_tokens: 1 } }),
      });
    const first = (await (await gateway.api("/v1/predictions?model=sim/text")).json()) as Page;
    expect(first.results).toHaveLength(100);
    const next = new URL(first.next ?? "");
    expect(next.searchParams.get("model")).toBe("sim/text");
    const second = (await (await gateway.api(`${next.pathname}${next.search}`)).json()) as Page;
    expect(second.results.map((p) => p.model)).toEqual(["sim/text"]);
    expect(second.results[0]?.id).toBe(text.id);
  });

  it("refuses an unknown status or a malformed model with a 422 naming the field", async () => {
    const badStatus = await gateway.api("/v1/predictions?status=succeeded,done");
    expect(badStatus.status).toBe(422);
    const problem = (await badStatus.json()) as { detail: string; invalid_fields: Array<{ field: string }> };
    expect(problem.invalid_fields[0]?.field).toMatch(/^status/);
    expect(problem.detail).toContain("status must be a comma-separated list of starting, processing");
    const badModel = await gateway.api("/v1/predictions?model=image");
    expect(badModel.status).toBe(422);
    expect(((await badModel.json()) as { invalid_fields: Array<{ field: string }> }).invalid_fields).toEqual([
      expect.objectContaining({ field: "model" }),
    ]);
  });
});

describe("logs on the prediction stream", () => {
  it("sends the logs as they grow, each part once, before done", async () => {
    const created = (await (
      await gateway.api("/v1/models/sim/image/predictions", {
        method: "POST",
        body: JSON.stringify({
          input: { prompt: "logged", width: 64, height: 64, seed: 9, latency_ms: 400 },
        }),
      })
    ).json()) as Json;
    const stream = await fetch(`${gateway.url}/v1/predictions/${created.id}/stream`, {
      headers: { accept: "text/event-stream" },
    });
    const events = await readSse(stream, (event) => event.event === "done");
    const logs = events.filter((event) => event.event === "logs").map((event) => event.data);
    const done = (await (await gateway.api(`/v1/predictions/${created.id}`)).json()) as Json;
    // the seed, then tqdm's progress bar, one line a step
    expect(done.logs).toMatch(/^Using seed: 9\n( *\d+%\|[^\n]*\| \d+\/\d+ \[[^\n]*\]\n)+$/);
    expect(logs.length).toBeGreaterThanOrEqual(2);
    expect(logs[0]).toMatch(/^Using seed: 9\n/);
    expect(logs.join("")).toBe(done.logs);
    expect(events.map((event) => event.event).slice(-2)).toEqual(["output", "done"]);
  });
});
