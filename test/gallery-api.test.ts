/** `GET /v1/outputs` and `/v1/favorites`: the gallery's API, its filters, and what each token may see and mark. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PHOTO_LIMITS } from "../src/engine/training/photos/limits.ts";
import { newTenant, startGateway, type Tenant, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;
let alice: Tenant;
let bob: Tenant;

type Output = {
  prediction_id: string;
  index: number;
  url: string;
  model: string;
  prompt: string;
  favorite: boolean;
};
type Page = { next: string | null; results: Output[] };

beforeAll(async () => {
  gateway = await startGateway();
  alice = await newTenant(gateway, "alice");
  bob = await newTenant(gateway, "bob");
});

afterAll(() => gateway.close());

async function run(who: Tenant, model: string, input: Record<string, unknown>): Promise<string> {
  const response = await who.api(`/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { prefer: "wait=10" },
    body: JSON.stringify({ input }),
  });
  const prediction = (await response.json()) as { id: string; status: string };
  expect(prediction.status).toBe("succeeded");
  return prediction.id;
}

async function outputs(who: Tenant | TestGateway, query = ""): Promise<Page> {
  const response = await who.api(`/v1/outputs${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe("GET /v1/outputs", () => {
  it("lists each stored output of the caller's succeeded predictions, newest first, filtered", async () => {
    const pair = await run(alice, "sim/image", {
      prompt: "two Red boats",
      num_outputs: 2,
      width: 64,
      height: 64,
    });
    const single = await run(alice, "sim/image", { prompt: "a green hill", width: 64, height: 64 });
    await run(alice, "sim/text", { prompt: "red words only", max_tokens: 4 });
    const theirs = await run(bob, "sim/image", { prompt: "red boats of bob", width: 64, height: 64 });

    const all = await outputs(alice);
    expect(all.results.map((o) => [o.prediction_id, o.index])).toEqual([
      [single, 0],
      [pair, 0],
      [pair, 1],
    ]);
    expect(all.results[0]).toMatchObject({ model: "sim/image", prompt: "a green hill", favorite: false });
    expect((await fetch(all.results[0]?.url ?? "")).headers.get("content-type")).toMatch(/^image\//);

    const red = await outputs(alice, "?q=red");
    expect(red.results.map((o) => o.prediction_id)).toEqual([pair, pair]);
    expect((await outputs(alice, "?model=sim/text")).results).toEqual([]);
    const admin = await outputs(gateway, "?q=red%20boats");
    expect(new Set(admin.results.map((o) => o.prediction_id))).toEqual(new Set([pair, theirs]));
  });

  it("refuses a bad filter naming it", async () => {
    const response = await alice.api("/v1/outputs?favorite=yes");
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(problem.invalid_fields.map((f) => f.field)).toEqual(["favorite"]);
  });
});

describe("favourites", () => {
  it("are the caller's own, found again with favorite=true, and unmarked", async () => {
    const id = await run(alice, "sim/image", {
      prompt: "a favourite",
      num_outputs: 2,
      width: 64,
      height: 64,
    });
    expect((await alice.api(`/v1/favorites/${id}/1`, { method: "PUT" })).status).toBe(204);
    expect((await alice.api(`/v1/favorites/${id}/1`, { method: "PUT" })).status).toBe(204);

    const favourites = await outputs(alice, "?favorite=true");
    expect(favourites.results.map((o) => [o.prediction_id, o.index, o.favorite])).toEqual([
      [id, 0, false],
      [id, 1, true],
    ]);
    // The admin sees the output, but not alice's mark on it.
    expect((await outputs(gateway, "?favorite=true")).results).toEqual([]);
    expect((await outputs(bob, "?favorite=true")).results).toEqual([]);

    expect((await alice.api(`/v1/favorites/${id}/1`, { method: "DELETE" })).status).toBe(204);
    expect((await outputs(alice, "?favorite=true")).results).toEqual([]);
  });

  it("cannot mark another token's output, one that does not exist, or a bad index", async () => {
    const id = await run(alice, "sim/image", { prompt: "alice only", width: 64, height: 64 });
    expect((await bob.api(`/v1/favorites/${id}/0`, { method: "PUT" })).status).toBe(404);
    expect((await alice.api(`/v1/favorites/${id}/1`, { method: "PUT" })).status).toBe(404);
    expect((await alice.api("/v1/favorites/nope/0", { method: "PUT" })).status).toBe(404);
    const bad = await alice.api(`/v1/favorites/${id}/first`, { method: "PUT" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { invalid_fields: { field: string }[] }).invalid_fields[0]?.field).toBe(
      "index",
    );
    expect((await outputs(bob, "?favorite=true")).results).toEqual([]);
  });
});

describe("GET /v1/lora-photo-limits", () => {
  it("gives the limits the photos are checked against", async () => {
    const limits = (await (await alice.api("/v1/lora-photo-limits")).json()) as Record<string, unknown>;
    expect(limits).toMatchObject({
      min_photos: DEFAULT_PHOTO_LIMITS.minPhotos,
      max_photos: DEFAULT_PHOTO_LIMITS.maxPhotos,
      max_file_bytes: DEFAULT_PHOTO_LIMITS.maxFileBytes,
      archive_types: ["application/zip"],
    });
    expect(limits.photo_types).toEqual(expect.arrayContaining(["image/jpeg", "image/png", "image/webp"]));
    expect(limits.max_total_bytes).toBe(Math.min(DEFAULT_PHOTO_LIMITS.maxTotalBytes, 100 * 2 ** 20));
  });
});
