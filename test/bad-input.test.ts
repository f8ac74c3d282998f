/**
 * Bad requests get a clear error and cost nothing: no row or file is written and no provider is
 * called. What would only fail once running is refused at create.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { readSimStarts } from "./support/sim-starts.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ GENGATE_MAX_BODY_BYTES: "4096" });
});

afterAll(() => gateway.close());

/** Every file in gengate's storage, uploads included (none before the first is stored). */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(join(gateway.dataDir, "files"), {
    recursive: true,
    withFileTypes: true,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function expectNothingHappened() {
  const counts = await gateway.store.predictions.countByState();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  expect((await readSimStarts(gateway.dataDir)).size).toBe(0);
  expect(await gateway.store.files.list({ limit: 1 })).toEqual([]);
  expect(await storedFiles()).toEqual([]);
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

  it("body over the limit sent without a length (chunked) → 413", async () => {
    const body = JSON.stringify({ input: { prompt: "x".repeat(10_000) } });
    const chunks = [body.slice(0, 4_000), body.slice(4_000)].map((part) => new TextEncoder().encode(part));
    const response = await gateway.api("/v1/models/sim/image/predictions", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    await problemOf(response);
    await expectNothingHappened();
  });

  it("a refused upload leaves no file behind", async () => {
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(64)], { type: "image/png" }), "a.png");
    form.append("metadata", "not json");
    const response = await gateway.api("/v1/files", { method: "POST", body: form });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).invalid_fields?.[0]?.field).toBe("metadata");
    await expectNothingHappened();
  });

  it("an edit whose mask has no alpha leaves no file behind", async () => {
    const opaque = (format: "png" | "jpeg") =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: "#808080" } })
        .toFormat(format)
        .toBuffer();
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(await opaque("png"))], { type: "image/png" }), "a.png");
    form.append("mask", new Blob([new Uint8Array(await opaque("jpeg"))], { type: "image/jpeg" }), "m.jpg");
    form.append("prompt", "x");
    form.append("model", "sim/image");
    const response = await gateway.api("/openai/v1/images/edits", { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("mask");
    await expectNothingHappened();
  });

  it("what would only fail once running is refused at create, naming the field", async () => {
    const trainer = (await (await gateway.api("/v1/models/sim/lora-trainer")).json()) as {
      latest_version: { id: string };
    };
    const refusals: [path: string, body: object, field: string, status?: number][] = [
      ["/v1/models/sim/image/predictions", { input: { prompt: "x", seed: 2 ** 53 + 2 } }, "input.seed"],
      [
        "/v1/models/sim/image/predictions",
        { input: { prompt: "x", image: "file:///etc/passwd" } },
        "input.image",
      ],
      [
        "/v1/batches",
        { model: "sim/image", items: [{ input: { prompt: "x" } }], name_template: "." },
        "name_template",
      ],
      [
        "/v1/batches",
        { model: "sim/image", items: [{ input: { prompt: "x" } }], name_template: ".." },
        "name_template",
      ],
    ];
    // A training destination outside the trainer's owner is refused as Replicate does (403), naming it.
    const trainings = `/v1/models/sim/lora-trainer/versions/${trainer.latest_version.id}/trainings`;
    const destinations: [destination: string, status: number][] = [
      ["someone/else", 403],
      ["sim-lora/never-made", 404],
    ];
    for (const [destination, status] of destinations) {
      const body = { destination, input: { input_images: "https://example.com/photos.zip" } };
      refusals.push([trainings, body, "destination", status]);
    }
    for (const [path, body, field, status = 422] of refusals) {
      const response = await gateway.api(path, { method: "POST", body: JSON.stringify(body) });
      expect(response.status, path).toBe(status);
      expect(
        (await problemOf(response)).invalid_fields?.map((f) => f.field),
        path,
      ).toEqual([field]);
    }
    await expectNothingHappened();
  });
});
