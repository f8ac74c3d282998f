/** Bad requests get a clear error and cost nothing: no row is written and no provider is called. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSimStarts } from "../src/providers/sim/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ GENGATE_MAX_BODY_BYTES: "4096" });
});

afterAll(() => gateway.close());

async function expectNothingHappened() {
  const counts = await gateway.store.predictions.countByState();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  expect((await readSimStarts(gateway.dataDir)).size).toBe(0);
}

async function problemOf(response: Response) {
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  return (await response.json()) as { status: number; detail: string; invalid_fields?: { field: string }[] };
}

const create = (body: string, headers: Record<string, string> = {}) =>
  gateway.api("/v1/models/sim/image/predictions", { method: "POST", body, headers });

describe("bad input", () => {
  it("unknown model → 404", async () => {
    const response = await gateway.api("/v1/models/sim/nope/predictions", {
      method: "POST",
      body: JSON.stringify({ input: { prompt: "x" } }),
    });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).detail).toContain("sim/nope");
    const byVersion = await gateway.api("/v1/predictions", {
      method: "POST",
      body: JSON.stringify({ version: "f".repeat(64), input: { prompt: "x" } }),
    });
    expect(byVersion.status).toBe(404);
    await expectNothingHappened();
  });

  it("malformed JSON → 400", async () => {
    const response = await create('{"input": {"prompt": "x"');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).detail).toMatch(/not valid JSON/);
    await expectNothingHappened();
  });

  it("missing prompt → 422 naming the field", async () => {
    const response = await create(JSON.stringify({ input: {} }));
    expect(response.status).toBe(422);
    expect((await problemOf(response)).invalid_fields).toEqual([
      { type: "required", field: "input.prompt", description: "prompt is required" },
    ]);
    await expectNothingHappened();
  });

  it("wrong types → 422 naming each field", async () => {
    const response = await create(JSON.stringify({ input: { prompt: 42, width: "wide", num_outputs: 99 } }));
    expect(response.status).toBe(422);
    const fields = (await problemOf(response)).invalid_fields?.map((f) => f.field).sort();
    expect(fields).toEqual(["input.num_outputs", "input.prompt", "input.width"]);
    const noInput = await create(JSON.stringify({ version: "sim/image" }));
    expect(noInput.status).toBe(422);
    expect((await problemOf(noInput)).invalid_fields?.[0]?.field).toBe("input");
    const noVersion = await gateway.api("/v1/predictions", {
      method: "POST",
      body: JSON.stringify({ input: {} }),
    });
    expect((await problemOf(noVersion)).invalid_fields?.[0]?.field).toBe("version");
    await expectNothingHappened();
  });

  it("bad Prefer or Cancel-After header → 400 naming the header", async () => {
    const body = JSON.stringify({ input: { prompt: "x" } });
    const prefer = await create(body, { prefer: "wait=120" });
    expect(prefer.status).toBe(400);
    expect((await problemOf(prefer)).detail).toContain("Prefer");
    const cancelAfter = await create(body, { "cancel-after": "1s" });
    expect((await problemOf(cancelAfter)).detail).toContain("Cancel-After");
    await expectNothingHappened();
  });

  it("no token or a bad token → 401", async () => {
    const body = JSON.stringify({ input: { prompt: "x" } });
    const none = await fetch(`${gateway.url}/v1/models/sim/image/predictions`, { method: "POST", body });
    expect(none.status).toBe(401);
    const bad = await fetch(`${gateway.url}/v1/models/sim/image/predictions`, {
      method: "POST",
      body,
      headers: { authorization: "Bearer gg_not_a_real_token" },
    });
    expect(bad.status).toBe(401);
    expect((await problemOf(bad)).detail).not.toContain("gg_not_a_real_token");
    await expectNothingHappened();
  });

  it("body over the limit → 413", async () => {
    const response = await create(JSON.stringify({ input: { prompt: "x".repeat(10_000) } }));
    expect(response.status).toBe(413);
    await problemOf(response);
    await expectNothingHappened();
  });
});
