/**
 * What a batch item may carry beside its input, through the API and the CLI on a real gateway: its
 * own file path (subfolders, names kept as given, never out of the output folder) and metadata
 * (kept, returned, never sent to the model); name template fields that are not the model's inputs
 * are not sent to it; a refused item names why each target of its alias refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchJson } from "../src/core/batch-json.ts";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { zipNames } from "./support/zip-names.ts";

const SMALL = { width: 64, height: 64 };
const sim = { provider: "sim", model: "sim/image" };
const CONFIG = {
  models: {
    // Each target refuses a request for 2 outputs for its own reason.
    picky: {
      targets: [
        { ...sim, capabilities: { maxOutputs: 1 } },
        { ...sim, input: { width: 8 } },
      ],
      fallback: "elsewhere",
    },
    elsewhere: { targets: [{ provider: "runpod", model: "runpod/none" }] },
  },
};

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(CONFIG);
});

afterAll(async () => {
  await gateway.close();
});

interface Problem {
  detail: string;
  invalid_fields: { field: string; description: string }[];
}

interface ItemWithExtras {
  index: number;
  output_path: string | null;
  metadata: Record<string, unknown> | null;
  prediction_id: string;
  outputs: { name: string; url: string }[];
}

function createBatch(body: unknown): Promise<Response> {
  return gateway.api("/v1/batches", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function ended(body: unknown): Promise<BatchJson> {
  const response = await createBatch(body);
  expect(response.status, await response.clone().text()).toBe(201);
  const { id } = (await response.json()) as BatchJson;
  for (;;) {
    const batch = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
    if (batch.status !== "processing") return batch;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function refused(body: unknown): Promise<Problem> {
  const before = await gateway.store.predictions.countByState();
  const response = await createBatch(body);
  expect(response.status).toBe(422);
  expect(await gateway.store.predictions.countByState()).toEqual(before);
  return (await response.json()) as Problem;
}

async function predictionInput(id: string): Promise<Record<string, unknown>> {
  return ((await (await gateway.api(`/v1/predictions/${id}`)).json()) as { input: Record<string, unknown> })
    .input;
}

describe("a batch item's output_path and metadata", () => {
  it("name its files (in subfolders, as given), are returned with it, and never reach the model", async () => {
    const metadata = { sku: "A-1", tags: ["fox", "red"], nested: { shelf: 3 } };
    const batch = await ended({
      model: "sim/image",
      input: SMALL,
      name_template: "{index}_{category}.{ext}",
      items: [
        {
          input: { prompt: "a red fox", category: "Animals" },
          output_path: "animals/Fox café (1) — été.webp",
          metadata,
        },
        { input: { prompt: "two boats", num_outputs: 2 }, output_path: "sea/deep/boat", metadata: { n: 2 } },
        { input: { prompt: "a cat", category: "Animals" } },
        { input: { prompt: "a plan" }, metadata: { category: "From the metadata" } },
      ],
    });
    expect(batch.counts).toMatchObject({ total: 4, succeeded: 4 });
    const items = batch.items as unknown as ItemWithExtras[];
    const names = items.flatMap((item) => item.outputs.map((output) => output.name));
    expect(names).toEqual([
      "animals/Fox café (1) — été.webp",
      "sea/deep/boat.webp",
      "sea/deep/boat_2.webp",
      "3_animals.webp",
      "4_from-the-metadata.webp",
    ]);
    expect(items.map((item) => [item.output_path, item.metadata])).toEqual([
      ["animals/Fox café (1) — été.webp", metadata],
      ["sea/deep/boat", { n: 2 }],
      [null, null],
      [null, { category: "From the metadata" }],
    ]);
    for (const item of items) {
      const input = await predictionInput(item.prediction_id);
      expect(Object.keys(input)).not.toContain("category");
      expect(JSON.stringify(input)).not.toMatch(/sku|A-1|shelf|metadata|output_path/);
    }

    const archive = await gateway.api(`/v1/batches/${batch.id}/archive`);
    expect(await zipNames(Buffer.from(await archive.arrayBuffer()))).toEqual(names);
  });

  it("sends a field the name template names when the model takes it", async () => {
    const batch = await ended({
      model: "sim/image",
      name_template: "seed-{seed}.{ext}",
      items: [{ input: { prompt: "a fox", seed: 77, ...SMALL } }],
    });
    const [item] = batch.items ?? [];
    expect(item?.outputs.map((output) => output.name)).toEqual(["seed-77.webp"]);
    expect(await predictionInput(item?.prediction_id ?? "")).toMatchObject({ seed: 77 });
  });

  it.each([
    ["../escape.png", "must stay inside the output folder"],
    ["animals/../../escape.png", "must stay inside the output folder"],
    ["/etc/passwd", "must be relative"],
    ["a\\b.png", "must not contain"],
    ["nul\u0000byte.png", "NUL characters"],
    ["line\nbreak.png", "control characters"],
    ["a//b.png", "empty part"],
    ["folder/", "empty part"],
    ["C:/x.png", "must not contain"],
    ["./x.png", "must stay inside the output folder"],
    ["", "must not be empty"],
    [`${"x".repeat(256)}.png`, "255 bytes"],
    ["CON.png", "reserved"],
  ])("refuses output_path %j with a 422 naming items[i].output_path", async (path, reason) => {
    const problem = await refused({
      model: "sim/image",
      input: SMALL,
      items: [
        { input: { prompt: "fine" }, output_path: "fine.png" },
        { input: { prompt: "bad" }, output_path: path },
      ],
    });
    expect(problem.invalid_fields.map((field) => field.field)).toEqual(["items[1].output_path"]);
    expect(problem.invalid_fields[0]?.description).toContain(reason);
  });

  it("refuses two items with the same path (whatever the case), or a file where another item needs a folder", async () => {
    const same = await refused({
      model: "sim/image",
      input: SMALL,
      items: [
        { input: { prompt: "a" }, output_path: "out/Fox.png" },
        { input: { prompt: "b" }, output_path: "out/fox.png" },
      ],
    });
    expect(same.invalid_fields.map((field) => field.field)).toEqual(["items[1].output_path"]);
    expect(same.detail).toContain('items 1 and 2 would both be named "out/fox.png"');
    const folder = await refused({
      model: "sim/image",
      input: SMALL,
      items: [
        { input: { prompt: "a" }, output_path: "out/fox.png" },
        { input: { prompt: "b" }, output_path: "out/fox.png/inside.png" },
      ],
    });
    expect(folder.invalid_fields.map((field) => field.field)).toEqual(["items[1].output_path"]);
  });

  it("refuses metadata that is not an object, or too large", async () => {
    const notObject = await refused({
      model: "sim/image",
      items: [{ input: { prompt: "a" }, metadata: [1] }],
    });
    expect(notObject.invalid_fields.map((field) => field.field)).toEqual(["items.0.metadata"]);
    const large = await refused({
      model: "sim/image",
      input: SMALL,
      items: [{ input: { prompt: "a" }, metadata: { text: "x".repeat(20_000) } }],
    });
    expect(large.invalid_fields.map((field) => field.field)).toEqual(["items[0].metadata"]);
  });
});

describe("a refused batch item of an alias", () => {
  it("names each target's reason, through the fallback chain", async () => {
    const problem = await refused({
      model: "gengate/picky",
      items: [{ input: { prompt: "a", num_outputs: 2, ...SMALL } }],
    });
    const reasons = problem.invalid_fields.map((field) => `${field.field}: ${field.description}`);
    expect(reasons).toEqual([
      "items[0].input: picky#0 (sim/image): capability missing: 2 outputs (at most 1)",
      expect.stringMatching(/^items\[0\]\.input\.width: picky#1 \(sim\/image\): width must be >= 64/),
      "items[0].model: elsewhere#0 (runpod/none): provider not configured: runpod",
    ]);
  });
});

describe("gengate batch with output_path and metadata columns", () => {
  it("saves each output at its item's path, in subfolders of --out", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "gengate-batch-cli-"));
    try {
      const csv = [
        "prompt,output_path,metadata.sku,width,height",
        "a red fox,animals/red fox.webp,A-1,64,64",
        'a boat,"sea/a boat, at dawn",B-2,64,64',
        "a plain one,,,64,64",
      ].join("\n");
      writeFileSync(join(cwd, "items.csv"), csv);
      const env = cliEnv({ GENGATE_URL: gateway.url, GENGATE_TOKEN: gateway.token });
      const result = await runCli(["batch", "items.csv", "--out", "renders"], { cwd, env });
      expect(result.code, result.stderr).toBe(0);
      const saved = await readdir(join(cwd, "renders"), { recursive: true });
      expect(saved.sort()).toEqual(
        ["3_a-plain-one.webp", "animals", "animals/red fox.webp", "sea", "sea/a boat, at dawn.webp"].sort(),
      );
      const batches = (await (await gateway.api("/v1/batches")).json()) as { results: BatchJson[] };
      const batch = (await (await gateway.api(`/v1/batches/${batches.results[0]?.id}`)).json()) as BatchJson;
      const items = batch.items as unknown as ItemWithExtras[];
      expect(items.map((item) => item.metadata)).toEqual([{ sku: "A-1" }, { sku: "B-2" }, null]);
      const fox = items[0]?.outputs[0]?.url ?? "";
      const bytes = Buffer.from(await (await fetch(fox)).arrayBuffer());
      expect((await readFile(join(cwd, "renders/animals/red fox.webp"))).equals(bytes)).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
