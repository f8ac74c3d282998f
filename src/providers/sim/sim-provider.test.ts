import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { readSimStarts } from "../../../test/support/sim-starts.ts";
import { ConfigError } from "../../config.ts";
import { GatewayError } from "../../core/errors.ts";
import { openDatabase, ProviderJournalRepo } from "../../store/index.ts";
import { isOutputFile, type OutputFile, type Provider, type ProviderContext } from "../provider.ts";
import { createSimProvider } from "./index.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-sim-"));
  dirs.push(dir);
  return dir;
}

const logger = { info() {}, warn() {} };
const ctx: ProviderContext = {
  readInput: async () => {
    throw new Error("unexpected readInput");
  },
};

async function sim(
  dataDir = tempDir(),
  env: Record<string, string> = { GENGATE_SIM_LATENCY: "0" },
): Promise<Provider> {
  return createSimProvider(env, { ...(await providerDeps("sim", { dataDir })), logger });
}

let predictions = 0;
function startImage(provider: Provider, input: Record<string, unknown>, predictionId = `p${++predictions}`) {
  return provider.start(
    {
      predictionId,
      submitId: `${predictionId}-s`,
      providerModel: "image",
      input: { prompt: "a red fox", ...input },
    },
    ctx,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openAll(output: unknown): Promise<Buffer[]> {
  expect(Array.isArray(output)).toBe(true);
  const files = output as OutputFile[];
  for (const file of files) expect(isOutputFile(file)).toBe(true);
  return Promise.all(files.map(async (file) => Buffer.from((await file.open()) as Uint8Array)));
}

async function succeededFiles(provider: Provider, operation: unknown): Promise<Buffer[]> {
  const status = await provider.status(operation, ctx);
  expect(status.state).toBe("succeeded");
  return openAll(status.output);
}

describe("sim provider: configuration and models", () => {
  it("takes its budget and concurrency from the environment", async () => {
    const provider = await sim(tempDir(), {
      GENGATE_SIM_RATE_PER_MINUTE: "90",
      GENGATE_SIM_CONCURRENCY: "3",
    });
    expect(provider.id).toBe("sim");
    expect(provider.concurrency).toBe(3);
    expect(provider.rateLimit).toEqual({ bucket: "sim", perMinute: 90, burst: 2 });
    expect((await sim(tempDir(), { GENGATE_SIM_RATE_PER_MINUTE: "10" })).rateLimit.burst).toBe(1);
    expect((await sim(tempDir(), {})).rateLimit).toEqual({
      bucket: "sim",
      perMinute: 600_000,
      burst: 10_000,
    });
  });

  it("refuses a bad environment with a ConfigError naming the variable", async () => {
    await expect(sim(tempDir(), { GENGATE_SIM_FAILURE_RATE: "2" })).rejects.toThrow(ConfigError);
    await expect(sim(tempDir(), { GENGATE_SIM_LATENCY: "later" })).rejects.toThrow(/^GENGATE_SIM_LATENCY: /);
  });

  it("lists and finds its models", async () => {
    const provider = await sim();
    const models = await provider.listModels();
    expect(models.map((m) => m.providerModel)).toEqual(["image", "text", "lora-trainer"]);
    const version = models[0]?.versionId ?? "";
    expect(await provider.getModel({ kind: "model", owner: "sim", name: "image" })).toEqual(models[0]);
    expect(await provider.getModel({ kind: "bare-version", version })).toEqual(models[0]);
    expect(await provider.getModel({ kind: "model", owner: "sim", name: "video" })).toBeNull();
  });
});

describe("sim provider: image predictions", () => {
  it("answers a start of no latency with its end, and a longer one without a status", async () => {
    const provider = await sim();
    const ended = await startImage(provider, { latency_ms: 0, seed: 3 });
    expect(ended.status).toMatchObject({ state: "succeeded", output: [{ kind: "output-file" }] });
    expect((await provider.status(ended.operation, ctx)).state).toBe("succeeded");
    const running = await startImage(provider, { latency_ms: 60_000 });
    expect(running.status).toBeUndefined();
  });

  it("journals the start before returning a plain JSON operation", async () => {
    const dataDir = tempDir();
    const start = await startImage(await sim(dataDir), { seed: 1 }, "journaled");
    expect(start.upstreamId).toMatch(/^sim_[a-z2-7]{20}$/);
    expect(JSON.parse(JSON.stringify(start.operation))).toEqual(start.operation);
    const database = await openDatabase({ dataDir });
    try {
      const records = await new ProviderJournalRepo(database.db).for("sim").find({});
      expect(records).toEqual([
        {
          kind: "start",
          workId: "journaled",
          upstreamId: start.upstreamId,
          body: start.operation,
          at: expect.any(Number),
        },
      ]);
    } finally {
      await database.close();
    }
  });

  it("processes until its latency has passed, then succeeds", async () => {
    const provider = await sim();
    const { operation } = await startImage(provider, { latency_ms: 100, seed: 5 });
    const early = await provider.status(operation, ctx);
    expect(early.state).toBe("processing");
    expect(early.output).toBeUndefined();
    expect(early.nextPollMs).toBeGreaterThan(0);
    expect(early.nextPollMs).toBeLessThanOrEqual(100);
    expect(early.logs?.startsWith("Using seed: 5\n")).toBe(true);
    // Polled when each progress line is due: a quarter of the latency apart, then done.
    let done = early;
    for (let polls = 0; done.state === "processing" && polls < 10; polls++) {
      await sleep((done.nextPollMs ?? 0) + 5);
      done = await provider.status(operation, ctx);
    }
    expect(done).toMatchObject({ state: "succeeded", metrics: { predict_time: 0.1 } });
    expect(done.logs).toBe(
      [
        "Using seed: 5",
        "  0%|          | 0/20 [00:00<?, ?it/s]",
        " 25%|███       | 5/20 [00:00<00:00, 200.00it/s]",
        " 50%|█████     | 10/20 [00:00<00:00, 200.00it/s]",
        " 75%|████████  | 15/20 [00:00<00:00, 200.00it/s]",
        "100%|██████████| 20/20 [00:00<00:00, 200.00it/s]",
        "",
      ].join("\n"),
    );
  });

  it("uses the configured latency when the input sets none", async () => {
    const provider = await sim(tempDir(), { GENGATE_SIM_LATENCY: "60000" });
    const { operation } = await startImage(provider, {});
    const status = await provider.status(operation, ctx);
    expect(status.state).toBe("processing");
    // Polled again when the first quarter of the 60 s is done, for the next progress line.
    expect(status.nextPollMs).toBeGreaterThan(14_900);
    expect(status.nextPollMs).toBeLessThanOrEqual(15_000);
  });

  it("renders files only when opened, in the requested size and format", async () => {
    const provider = await sim();
    const { operation } = await startImage(provider, {
      width: 128,
      height: 64,
      output_format: "jpg",
      num_outputs: 3,
    });
    const { output } = await provider.status(operation, ctx);
    const files = output as OutputFile[];
    expect(files.map((f) => [f.contentType, f.extension])).toEqual(Array(3).fill(["image/jpeg", "jpg"]));
    const buffers = await openAll(files);
    for (const buffer of buffers) {
      expect(await sharp(buffer).metadata()).toMatchObject({ format: "jpeg", width: 128, height: 64 });
    }
    expect(new Set(buffers.map((b) => b.toString("base64"))).size).toBe(3);
  });

  it("applies schema defaults and aspect ratios", async () => {
    const provider = await sim();
    const defaults = await succeededFiles(provider, (await startImage(provider, {})).operation);
    expect(defaults).toHaveLength(1);
    expect(await sharp(defaults[0]).metadata()).toMatchObject({ format: "webp", width: 512, height: 512 });
    const wide = await succeededFiles(
      provider,
      (await startImage(provider, { aspect_ratio: "16:9" })).operation,
    );
    expect(await sharp(wide[0]).metadata()).toMatchObject({ width: 680, height: 384 });
  });

  it("reports a random seed in the logs and renders the same pixels as that seed given explicitly", async () => {
    const provider = await sim();
    const { operation } = await startImage(provider, { width: 64, height: 64, output_format: "png" });
    const first = await provider.status(operation, ctx);
    const seed = Number(/^Using seed: (\d+)\n/.exec(first.logs ?? "")?.[1]);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 31);
    expect((await provider.status(operation, ctx)).logs).toBe(first.logs);
    const random = await openAll(first.output);
    const explicit = await succeededFiles(
      provider,
      (await startImage(provider, { width: 64, height: 64, output_format: "png", seed })).operation,
    );
    expect(random[0]?.equals(explicit[0] as Buffer)).toBe(true);
  });

  it("reads an input image through ctx.readInput when the file is opened", async () => {
    const provider = await sim();
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#0000ff" } })
      .png()
      .toBuffer();
    const urls: string[] = [];
    const withInput: ProviderContext = {
      readInput: async (url) => {
        urls.push(url);
        return { data: png, contentType: "image/png" };
      },
    };
    const { operation } = await startImage(provider, {
      image: "https://example.test/blue.png",
      width: 64,
      height: 64,
    });
    const status = await provider.status(operation, withInput);
    expect(urls).toEqual([]);
    const [file] = await openAll(status.output);
    expect(urls).toEqual(["https://example.test/blue.png"]);
    const [r, , b] = (await sharp(file).stats()).channels.map((channel) => channel.mean) as number[];
    expect(b).toBeGreaterThan(r as number);
  });

  it("fails as asked by the fail input", async () => {
    const provider = await sim();
    const plain = await provider.status((await startImage(provider, { fail: true, seed: 3 })).operation, ctx);
    expect(plain).toMatchObject({ state: "failed", error: "Simulated failure" });
    expect(plain.output).toBeUndefined();
    expect(plain.logs?.startsWith("Using seed: 3\n")).toBe(true);
    const custom = await provider.status(
      (await startImage(provider, { fail: "GPU on fire" })).operation,
      ctx,
    );
    expect(custom).toMatchObject({ state: "failed", error: "GPU on fire" });
  });

  it("fails only once the latency has passed", async () => {
    const provider = await sim();
    const { operation } = await startImage(provider, { fail: true, latency_ms: 60_000 });
    expect((await provider.status(operation, ctx)).state).toBe("processing");
  });

  it("fails everything at failure rate 1 unless the input says not to", async () => {
    const provider = await sim(tempDir(), { GENGATE_SIM_LATENCY: "0", GENGATE_SIM_FAILURE_RATE: "1" });
    for (let i = 0; i < 3; i++) {
      const status = await provider.status((await startImage(provider, {})).operation, ctx);
      expect(status).toMatchObject({ state: "failed", error: "Simulated failure (failure rate)" });
    }
    const spared = await provider.status((await startImage(provider, { fail: false })).operation, ctx);
    expect(spared.state).toBe("succeeded");
  });

  it("rejects invalid input before journaling anything", async () => {
    const dataDir = tempDir();
    const provider = await sim(dataDir);
    const start = startImage(provider, { width: 10 }, "too-small");
    await expect(start).rejects.toBeInstanceOf(GatewayError);
    await expect(start).rejects.toMatchObject({ code: "invalid_input", invalidFields: [{ field: "width" }] });
    const maskOnly = startImage(provider, { mask: "https://example.test/mask.png" }, "mask-only");
    await expect(maskOnly).rejects.toMatchObject({
      code: "invalid_input",
      invalidFields: [{ field: "mask" }],
    });
    const unknown = provider.start(
      { predictionId: "x", submitId: "s", providerModel: "video", input: {} },
      ctx,
    );
    await expect(unknown).rejects.toMatchObject({ code: "not_found" });
    expect(await readSimStarts(dataDir)).toEqual(new Map());
  });

  it("refuses an operation that is not a sim operation", async () => {
    const provider = await sim();
    await expect(provider.status({ id: "r8_abc" }, ctx)).rejects.toMatchObject({ code: "internal" });
    await expect(provider.cancel(null, ctx)).rejects.toBeInstanceOf(GatewayError);
  });
});

describe("sim provider: resuming in another process", () => {
  it("finds a start and its status from a new instance on the same data folder", async () => {
    const dataDir = tempDir();
    const first = await sim(dataDir);
    const start = await startImage(first, { latency_ms: 40, seed: 9, output_format: "png" }, "resume-me");
    const second = await sim(dataDir);
    expect(await second.find?.("resume-me", ctx)).toEqual(start);
    expect(await second.find?.("never-started", ctx)).toBeNull();
    expect((await second.status(start.operation, ctx)).state).toBe("processing");
    await sleep(50);
    const fromFirst = await succeededFiles(first, start.operation);
    const fromSecond = await succeededFiles(second, (await second.find?.("resume-me", ctx))?.operation);
    expect(fromSecond[0]?.equals(fromFirst[0] as Buffer)).toBe(true);
  });

  it("sees starts made by another instance after its own first read", async () => {
    const dataDir = tempDir();
    const reader = await sim(dataDir);
    expect(await reader.find?.("later", ctx)).toBeNull();
    const start = await startImage(await sim(dataDir), {}, "later");
    // the journal keeps the work; the status the start answered with is of that moment
    expect(await reader.find?.("later", ctx)).toEqual({
      upstreamId: start.upstreamId,
      operation: start.operation,
    });
  });

  it("counts starts per prediction with readSimStarts", async () => {
    const dataDir = tempDir();
    expect(await readSimStarts(dataDir)).toEqual(new Map());
    await startImage(await sim(dataDir), {}, "twice");
    await startImage(await sim(dataDir), {}, "twice");
    await startImage(await sim(dataDir), {}, "once");
    expect(await readSimStarts(dataDir)).toEqual(
      new Map([
        ["twice", 2],
        ["once", 1],
      ]),
    );
  });

  it("keeps a cancel made by another instance", async () => {
    const dataDir = tempDir();
    const owner = await sim(dataDir);
    const { operation } = await startImage(owner, { latency_ms: 60_000 });
    expect((await owner.status(operation, ctx)).state).toBe("processing");
    await (await sim(dataDir)).cancel(operation, ctx);
    expect((await owner.status(operation, ctx)).state).toBe("canceled");
    expect((await (await sim(dataDir)).status(operation, ctx)).state).toBe("canceled");
  });

  it("leaves finished work alone when canceled", async () => {
    const provider = await sim();
    const { operation } = await startImage(provider, {});
    await provider.cancel(operation, ctx);
    expect((await provider.status(operation, ctx)).state).toBe("succeeded");
  });
});
