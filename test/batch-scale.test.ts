/**
 * The batch issue's acceptance test: 1,000 items over four providers (the simulator and the fakes of
 * Replicate, RunPod and fal) with injected failures. Every item ends succeeded or failed with a
 * reason, transient faults are ridden out without starting anything upstream twice, files are
 * named exactly as templated, and progress never goes backwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchItemJson, BatchJson } from "../src/core/batch-json.ts";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { readSse } from "./support/sse.ts";
import { zipNames } from "./support/zip-names.ts";

const COUNT = 1000;
const TEMPLATE = "{index:4}_{model}_{slug}.{ext}";
const PROVIDERS = ["sim", "replicate", "runpod", "fal"] as const;
type ProviderId = (typeof PROVIDERS)[number];

/** Each provider's model, the name `{model}` gives it and the extension of its files. */
const MODELS: Record<ProviderId, { model: string; name: string; ext: string; format: string }> = {
  sim: { model: "sim/image", name: "image", ext: "webp", format: "webp" },
  replicate: { model: "fake-official/flux-schnell", name: "flux-schnell", ext: "png", format: "png" },
  runpod: { model: "runpod/sdxl", name: "sdxl", ext: "png", format: "png" },
  fal: { model: "fal/flux-dev", name: "flux-dev", ext: "jpg", format: "jpeg" },
};
const RUNPOD_CRASHY = "runpod/crashy";

/** Deterministic failures, each with the reason it must end with. */
const SIM_FAILURE = (index: number) => `the simulator refused item ${index}`;
const REPLICATE_FAILURE = "The model failed as requested by the prompt (it contains FAIL)";
const RUNPOD_FAILURE = "CUDA error: out of memory (injected)";
/** fal fails the next N jobs submitted: which items is up to the order gengate submits them in. */
const FAL_FAILURES = 6;
const FAL_FAILURE = "Runner crashed (injected)";

/** Prompts with the slugs `{slug}` must make of them (written out, not computed by gengate's code). */
const SUBJECTS: { prompt: (n: string) => string; slug: (n: string) => string }[] = [
  { prompt: (n) => `A red fox #${n}`, slug: (n) => `a-red-fox-${n}` },
  { prompt: (n) => `Ünïcode café au lait, nº ${n}`, slug: (n) => `unicode-cafe-au-lait-no-${n}` },
  { prompt: (n) => `  Lighthouse at DUSK!! (${n})  `, slug: (n) => `lighthouse-at-dusk-${n}` },
  { prompt: (n) => `robots & rockets/${n}/v2`, slug: (n) => `robots-rockets-${n}-v2` },
  {
    // 81 characters of slug, cut to 48 at the last "-" that keeps at least 24
    prompt: (n) => `${n} an extremely detailed matte painting of a sprawling cyberpunk city at night`,
    slug: (n) => `${n}-an-extremely-detailed-matte-painting-of-a`,
  },
];

interface PlannedItem {
  index: number;
  provider: ProviderId;
  model: string;
  input: Record<string, unknown>;
  outputs: number;
  /** The reason it must fail with; undefined for items that must succeed (fal's are counted). */
  failure?: string;
  /** Expected names of its files, if it succeeds. */
  names: string[];
}

function plan(index: number): PlannedItem {
  const provider = PROVIDERS[(index - 1) % PROVIDERS.length] as ProviderId;
  const { model, name, ext } = MODELS[provider];
  const n = String(index).padStart(4, "0");
  const subject = SUBJECTS[Math.floor((index - 1) / PROVIDERS.length) % SUBJECTS.length];
  if (!subject) throw new Error("no subject");
  // late items, which fal's failures of its first jobs cannot reach
  const outputs = [505, 506, 507, 508, 997, 998, 999, 1000].includes(index) ? 2 : 1;
  let prompt = subject.prompt(n);
  let slug = subject.slug(n);
  let failure: string | undefined;
  const input: Record<string, unknown> = { num_outputs: outputs };
  let itemModel = model;
  if (provider === "sim") {
    Object.assign(input, { width: 64, height: 64, latency_ms: 20 });
    if (index % 100 === 1) failure = SIM_FAILURE(index);
    if (failure) input.fail = failure;
  } else if (provider === "replicate") {
    Object.assign(input, { aspect_ratio: "1:1", output_format: "png" });
    if (index % 100 === 2) {
      failure = REPLICATE_FAILURE;
      prompt = `FAIL on purpose ${n}`;
      slug = `fail-on-purpose-${n}`;
    }
  } else if (provider === "runpod") {
    Object.assign(input, { width: 64, height: 64 });
    if (index % 200 === 3) {
      failure = RUNPOD_FAILURE;
      itemModel = RUNPOD_CRASHY;
    }
  } else {
    Object.assign(input, { width: 64, height: 64 });
  }
  input.prompt = prompt;
  const names = [`${n}_${name}_${slug}.${ext}`];
  if (outputs === 2) names.push(`${n}_${name}_${slug}_2.${ext}`);
  return { index, provider, model: itemModel, input, outputs, names, ...(failure && { failure }) };
}

const items = Array.from({ length: COUNT }, (_, i) => plan(i + 1));
const deterministicFailures = items.filter((item) => item.failure !== undefined);

const dir = mkdtempSync(join(tmpdir(), "gengate-batch-scale-"));
let replicate: FakeReplicate;
let runpod: FakeRunpod;
let fal: FakeFal;
let gateway: TestGateway;

beforeAll(async () => {
  replicate = await startFakeReplicate({
    latencyMs: { min: 20, max: 80 },
    createsPerMinute: 30_000,
    requestsPerMinute: 120_000,
  });
  runpod = await startFakeRunpod({
    endpoints: {
      // RunPod's own limits (2,000 status polls per 10 s) are lifted: the 429s here are the injected ones.
      sd: {
        worker: "a1111",
        workers: 24,
        queueMs: 10,
        executionMs: 30,
        rateLimits: { run: 100_000, status: 100_000 },
      },
      crashy: { worker: "a1111", workers: 4, queueMs: 10, executionMs: 10 },
    },
  });
  fal = await startFakeFal({ queueMs: 20, runMs: 40 });
  const config = {
    providers: {
      fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } }, concurrency: 100, perMinute: 60_000 },
      runpod: {
        endpoints: {
          sdxl: { endpointId: "sd", worker: "a1111", retryDelayMs: 50 },
          crashy: { endpointId: "crashy", worker: "a1111", retryDelayMs: 50 },
        },
        concurrency: 100,
        perMinute: 60_000,
      },
    },
    routing: {
      providers: {
        sim: { concurrency: 64 },
        replicate: { concurrency: 100 },
        runpod: { concurrency: 100, perMinute: 60_000 },
        fal: { concurrency: 100, perMinute: 60_000 },
      },
    },
  };
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(config));
  gateway = await startGateway({
    GENGATE_CONFIG: file,
    REPLICATE_API_TOKEN: replicate.token,
    REPLICATE_BASE_URL: replicate.url,
    REPLICATE_CREATES_PER_MINUTE: "24000",
    REPLICATE_REQUESTS_PER_MINUTE: "100000",
    RUNPOD_API_KEY: runpod.apiKey,
    RUNPOD_BASE_URL: runpod.url,
    FAL_KEY: fal.key,
    FAL_QUEUE_URL: fal.queueUrl,
    FAL_JWKS_URL: fal.jwksUrl,
  });
  // The Replicate model's schema is looked up (and kept) before any Replicate fault is armed.
  const model = await gateway.api(`/v1/models/${MODELS.replicate.model}`);
  expect(model.status).toBe(200);
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([replicate?.close(), runpod?.close(), fal?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** How many times each prompt was started upstream. */
function startsByPrompt(inputs: unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const input of inputs) {
    const prompt = String((input as { prompt?: unknown }).prompt);
    counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
  }
  return counts;
}

describe("a 1,000-item mixed-model batch against the fakes with injected failures", () => {
  it("ends every item succeeded or failed with its reason, names every file as templated, never goes backwards", async () => {
    // Transient faults, all of which gengate must ride out.
    replicate.faults.errors5xx(3, 502);
    replicate.faults.resetBeforeCreate(2);
    replicate.faults.resetAfterCreate(2);
    runpod.faults.crash("sd", 3, "transient worker crash");
    runpod.faults.rateLimit("sd", 4);
    runpod.faults.crash("crashy", Number.POSITIVE_INFINITY, RUNPOD_FAILURE);
    fal.faults.serverErrors = { count: 3, status: 503, route: "submit" };
    fal.faults.rateLimits = { count: 2, retryAfterSeconds: 1 };
    // A failure of fal's is a job's end, not to be retried: these items fail.
    fal.faults.failures = {
      count: FAL_FAILURES,
      message: FAL_FAILURE,
      errorType: "runner_server_error",
      httpStatus: 500,
    };

    const startedAt = Date.now();
    const response = await gateway.api("/v1/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name_template: TEMPLATE,
        items: items.map(({ model, input }) => ({ model, input })),
      }),
    });
    expect(response.status).toBe(201);
    const batch = (await response.json()) as BatchJson;
    expect(batch.counts.total).toBe(COUNT);

    const events = await readSse(
      await gateway.api(`/v1/batches/${batch.id}/events`),
      (event) => event.event === "done",
    );
    const elapsedMs = Date.now() - startedAt;
    expect(events.at(-1)?.event).toBe("done");
    const progress = events
      .filter((e) => e.event === "progress")
      .map((e) => (JSON.parse(e.data) as Pick<BatchJson, "counts">).counts);
    const finished = progress.map((counts) => counts.succeeded + counts.failed + counts.canceled);
    expect(finished.length).toBeGreaterThan(1);
    for (const [i, count] of finished.entries()) expect(count).toBeGreaterThanOrEqual(finished[i - 1] ?? 0);
    expect(finished.at(-1)).toBe(COUNT);
    const itemEvents = events
      .filter((e) => e.event === "item")
      .map((e) => JSON.parse(e.data) as BatchItemJson);
    expect(new Set(itemEvents.map((item) => item.index)).size).toBe(COUNT);
    const done = JSON.parse(events.at(-1)?.data ?? "{}") as BatchJson;
    expect(done).toMatchObject({ id: batch.id, status: "completed" });
    expect(done.items).toBeUndefined();

    const ended = (await (await gateway.api(`/v1/batches/${batch.id}`)).json()) as BatchJson;
    const got = ended.items ?? [];
    expect(got.map((item) => item.index)).toEqual(items.map((item) => item.index));
    expect(got.filter((item) => item.status !== "succeeded" && item.status !== "failed")).toEqual([]);
    // Each item's event says how it ended (dedupe by index + prediction id, as the contract says).
    const byKey = new Map(itemEvents.map((item) => [`${item.index}:${item.prediction_id}`, item]));
    expect(byKey.size).toBe(COUNT);
    for (const item of got) expect(byKey.get(`${item.index}:${item.prediction_id}`)).toEqual(item);
    for (const item of got.filter((i) => i.status === "failed")) expect(item.error).toBeTruthy();

    // Each deterministic failure failed with its reason; everything else succeeded but fal's N.
    for (const planned of deterministicFailures) {
      expect(got[planned.index - 1], `item ${planned.index}`).toMatchObject({
        status: "failed",
        error: planned.failure,
        outputs: [],
      });
    }
    const failedFal = got.filter(
      (item) => item.status === "failed" && items[item.index - 1]?.provider === "fal",
    );
    expect(failedFal.map((item) => item.error)).toEqual(Array(FAL_FAILURES).fill(FAL_FAILURE));
    const failed = got.filter((item) => item.status === "failed");
    expect(failed).toHaveLength(deterministicFailures.length + FAL_FAILURES);
    expect(ended.counts).toMatchObject({
      total: COUNT,
      succeeded: COUNT - failed.length,
      failed: failed.length,
      canceled: 0,
    });

    // Names, written out from the template's rules; every one unique.
    const succeeded = got.filter((item) => item.status === "succeeded");
    for (const item of succeeded) {
      const planned = items[item.index - 1];
      expect(item.error).toBeNull();
      expect(
        item.outputs.map((output) => output.name),
        `item ${item.index}`,
      ).toEqual(planned?.names);
    }
    const names = succeeded.flatMap((item) => item.outputs.map((output) => output.name));
    expect(new Set(names).size).toBe(names.length);
    const seconds = succeeded.filter((item) => item.outputs.length === 2);
    expect(new Set(seconds.map((item) => items[item.index - 1]?.provider))).toEqual(new Set(PROVIDERS));

    // A sample of the files: real 64x64 images in the format their extension says.
    const sample = PROVIDERS.flatMap((provider) =>
      succeeded.filter((item) => items[item.index - 1]?.provider === provider).slice(0, 5),
    ).flatMap((item) => item.outputs);
    expect(sample.length).toBeGreaterThanOrEqual(20);
    for (const output of sample) {
      const fileResponse = await fetch(output.url);
      expect(fileResponse.status).toBe(200);
      const meta = await sharp(Buffer.from(await fileResponse.arrayBuffer())).metadata();
      const provider = items[Number(output.name.slice(0, 4)) - 1]?.provider as ProviderId;
      expect([output.name, meta.format, meta.width, meta.height]).toEqual([
        output.name,
        MODELS[provider].format,
        64,
        64,
      ]);
    }

    // Nothing started upstream twice, faults or not.
    const planned = (provider: ProviderId) => items.filter((item) => item.provider === provider);
    const replicateStarts = startsByPrompt(
      replicate
        .predictions()
        .filter((p) => p.kind === "prediction")
        .map((p) => p.input),
    );
    expect(replicateStarts.size).toBe(planned("replicate").length);
    for (const item of planned("replicate")) expect(replicateStarts.get(String(item.input.prompt))).toBe(1);
    const runs = runpod.requests.filter((r) => r.operation === "run" && r.status === 200);
    const runpodStarts = startsByPrompt(runs.map((r) => (r.body as { input: unknown }).input));
    expect(runpodStarts.size).toBe(planned("runpod").length);
    for (const item of planned("runpod")) expect(runpodStarts.get(String(item.input.prompt))).toBe(1);
    const falStarts = startsByPrompt(fal.jobs().map((job) => job.input));
    expect(falStarts.size).toBe(planned("fal").length);
    for (const item of planned("fal")) expect(falStarts.get(String(item.input.prompt))).toBe(1);
    // The faults did happen: 5xx bursts, connections reset around creates, 429s, crashed workers.
    const creates = replicate.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));
    expect(replicate.requests.filter((r) => r.status === 502)).toHaveLength(3);
    expect(creates.filter((r) => r.status === 0)).toHaveLength(4);
    expect(runpod.requests.filter((r) => r.status === 429)).toHaveLength(4);
    const crashed = planned("runpod").filter((item) => item.failure !== undefined).length;
    const retries = runpod.requests.filter((r) => r.operation === "retry" && r.status === 200);
    expect(retries).toHaveLength(3 + crashed * 3);
    expect(fal.submits()).toHaveLength(planned("fal").length + 3 + 2);

    // The archive holds exactly the succeeded items' files.
    const archive = await gateway.api(`/v1/batches/${batch.id}/archive`);
    expect(archive.status).toBe(200);
    expect(await zipNames(Buffer.from(await archive.arrayBuffer()))).toEqual(names);

    console.info(`1,000-item batch ended in ${(elapsedMs / 1000).toFixed(1)} s`);
  }, 120_000);
});
