import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { photo, zipOf } from "../../../test/fakes/replicate/training-zip.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { readSimStarts } from "../../../test/support/sim-starts.ts";
import { parseModelRef } from "../../core/model-ref.ts";
import {
  isOutputFile,
  type OutputFile,
  type Provider,
  type ProviderContext,
  type ProviderTraining,
  type TrainingData,
} from "../provider.ts";
import { createSimProvider } from "./index.ts";

const TRAINING_MS = 200;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-sim-training-"));
  dirs.push(dir);
  return dir;
}

async function sim(dataDir = tempDir(), trainingMs = TRAINING_MS): Promise<Provider> {
  const env = { GENGATE_SIM_LATENCY: "0", GENGATE_SIM_TRAINING_MS: String(trainingMs) };
  return createSimProvider(env, await providerDeps("sim", { dataDir }));
}

const trainingOf = (provider: Provider): ProviderTraining => {
  if (!provider.training) throw new Error("the sim cannot train");
  return provider.training;
};

/** Serves `files` by URL, like gengate's own file URLs when it has a PUBLIC_URL. */
function contextWith(files: Record<string, Buffer> = {}): ProviderContext {
  return {
    async readInput(url) {
      const data = files[url];
      if (!data) throw new Error(`unexpected readInput ${url}`);
      return { data, contentType: "application/zip" };
    },
  };
}
const ctx = contextWith();

const dataOf = (bytes: Buffer): TrainingData => ({
  name: "photos.zip",
  contentType: "application/zip",
  size: bytes.length,
  open: async () => Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]),
});

async function photosZip(): Promise<Buffer> {
  return zipOf({
    "a.png": await photo(),
    "a.txt": "a photo of ZXY",
    "b.jpg": await sharp(await photo())
      .jpeg()
      .toBuffer(),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let ids = 0;
const newId = () => `simtraining${++ids}`;

async function bytesOf(file: OutputFile): Promise<Buffer> {
  const opened = await file.open();
  if (opened instanceof Uint8Array) return Buffer.from(opened);
  throw new Error("expected bytes");
}

async function train(provider: Provider, name: string, inputImages: string, context = ctx) {
  const training = trainingOf(provider);
  const trainingId = newId();
  const destination = await training.createModel(name, context);
  const start = await training.startTraining(
    {
      trainingId,
      trainer: training.defaultTrainer,
      destination,
      input: { input_images: inputImages, trigger_word: "ZXY", steps: 100, lora_rank: 4 },
    },
    context,
  );
  return { trainingId, start };
}

async function imageOf(provider: Provider, providerModel: string, input: Record<string, unknown> = {}) {
  const start = await provider.start(
    {
      predictionId: newId(),
      submitId: newId(),
      providerModel,
      input: { prompt: "a portrait", seed: 7, width: 64, height: 64, output_format: "png", ...input },
    },
    ctx,
  );
  const status = await provider.status(start.operation, ctx);
  expect(status.state).toBe("succeeded");
  return bytesOf((status.output as OutputFile[])[0] as OutputFile);
}

describe("sim/lora-trainer", () => {
  it("is the default trainer, listed, with a training schema like ostris/flux-dev-lora-trainer's", async () => {
    const provider = await sim();
    const training = trainingOf(provider);
    expect(training.defaultTrainer).toBe("sim/lora-trainer");
    const trainer = await provider.getModel(parseModelRef("sim/lora-trainer"));
    expect(trainer?.providerModel).toBe("lora-trainer");
    expect((await provider.listModels()).map((model) => model.name)).toContain("lora-trainer");
    const schema = (await training.trainingSchema("sim/lora-trainer")) as {
      title: string;
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.title).toBe("TrainingInput");
    expect(schema.required).toEqual(["input_images"]);
    expect(schema.properties.input_images).toMatchObject({ type: "string", format: "uri" });
    expect(schema.properties.trigger_word?.default).toBe("TOK");
    expect(schema.properties.steps).toMatchObject({ default: 1000, minimum: 3, maximum: 6000 });
    expect(schema.properties.lora_rank).toMatchObject({ default: 16, minimum: 1, maximum: 128 });
    expect(schema.properties.autocaption?.default).toBe(true);
    expect(await training.trainingSchema(`sim/lora-trainer:${trainer?.versionId}`)).toEqual(schema);
    expect(await training.trainingSchema("lora-trainer")).toEqual(schema);
    await expect(training.trainingSchema("sim/image")).rejects.toMatchObject({ code: "not_found" });
    await expect(training.trainingSchema(`sim/lora-trainer:${"0".repeat(64)}`)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("makes sim-lora models without any I/O, and refuses names Replicate would refuse", async () => {
    const training = trainingOf(await sim());
    expect(await training.createModel("my-lora-0123456789", ctx)).toBe("sim-lora/my-lora-0123456789");
    await expect(training.createModel("My LoRA", ctx)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("keeps uploads in its data dir under a sim-upload:// name derived from the content", async () => {
    const dataDir = tempDir();
    const training = trainingOf(await sim(dataDir));
    const zip = await photosZip();
    const url = await training.uploadTrainingData(dataOf(zip), ctx);
    const digest = createHash("sha256").update(zip).digest("hex");
    expect(url).toBe(`sim-upload://${digest}`);
    expect(existsSync(join(dataDir, "sim", "uploads", `${digest}.zip`))).toBe(true);
    expect(await training.uploadTrainingData(dataOf(zip), ctx)).toBe(url);
  });
});

describe("a sim training", () => {
  it("progresses with the clock, then gives a sim-lora version and safetensors weights", async () => {
    const dataDir = tempDir();
    const provider = await sim(dataDir);
    const training = trainingOf(provider);
    const url = await training.uploadTrainingData(dataOf(await photosZip()), ctx);
    const { trainingId, start } = await train(provider, "portraits", url);
    expect(start.operation).toMatchObject({
      kind: "training",
      images: 2,
      captions: 1,
      destination: "sim-lora/portraits",
    });
    expect(await readSimStarts(dataDir)).toEqual(new Map([[trainingId, 1]]));
    expect(await training.findTraining(trainingId, ctx)).toEqual(start);
    expect(await training.findTraining("never-started", ctx)).toBeNull();

    const early = await provider.status(start.operation, ctx);
    expect(early.state).toBe("processing");
    expect(early.logs).toMatch(/^Extracted 3 files from zip to input_images \(2 images, 1 captions\)\n/);
    expect(early.logs).toMatch(/Autocaptioning 1 images with trigger word ZXY\n/);
    expect(early.nextPollMs).toBeGreaterThan(0);
    expect(early.nextPollMs).toBeLessThanOrEqual(TRAINING_MS / 4);
    expect(await provider.getModel(parseModelRef("sim-lora/portraits"))).toBeNull();

    await sleep(TRAINING_MS + 20);
    const done = await provider.status(start.operation, ctx);
    expect(done.state).toBe("succeeded");
    expect(done.logs).toMatch(/flux_train_replicate: 100%\|██████████\| 100\/100\nSaved LoRA weights to /);
    const output = done.output as { version: string; weights: OutputFile };
    const versionId = createHash("sha256").update(`sim-lora:${trainingId}`).digest("hex");
    expect(output.version).toBe(`sim-lora/portraits:${versionId}`);
    expect(isOutputFile(output.weights)).toBe(true);
    expect(output.weights.extension).toBe("safetensors");
    const weights = await bytesOf(output.weights);
    const headerSize = Number(weights.readBigUInt64LE(0));
    expect(headerSize % 8).toBe(0);
    const header = JSON.parse(weights.subarray(8, 8 + headerSize).toString());
    expect(header.__metadata__).toMatchObject({ trigger_word: "ZXY", steps: "100", lora_rank: "4" });
    const [tensor] = Object.values(header).filter((value) => (value as { dtype?: string }).dtype);
    expect(tensor).toEqual({ dtype: "F32", shape: [4, 4], data_offsets: [0, 64] });
    expect(weights.length).toBe(8 + headerSize + 64);
  });

  it("makes a version any process of the data dir runs, with the LoRA's style", async () => {
    const dataDir = tempDir();
    const provider = await sim(dataDir, 0);
    const url = await trainingOf(provider).uploadTrainingData(dataOf(await photosZip()), ctx);
    const first = await train(provider, "style-a", url);
    await train(provider, "style-b", url);
    const version = ((await provider.status(first.start.operation, ctx)).output as { version: string })
      .version;

    const other = await sim(dataDir);
    const pinned = await other.getModel(parseModelRef(version));
    expect(pinned).toMatchObject({ owner: "sim-lora", name: "style-a", providerModel: version });
    const schema = pinned?.inputSchema as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.lora_scale).toMatchObject({ type: "number", default: 1 });
    expect(await other.getModel(parseModelRef("sim-lora/style-a"))).toEqual(pinned);
    expect(await other.getModel({ kind: "bare-version", version: pinned?.versionId ?? "" })).toEqual(pinned);
    expect(await other.getModel(parseModelRef(`sim-lora/style-b:${pinned?.versionId}`))).toBeNull();

    const plain = await imageOf(other, "image");
    const styledA = await imageOf(other, version);
    const styledB = await imageOf(
      other,
      (await other.getModel(parseModelRef("sim-lora/style-b")))?.providerModel ?? "",
    );
    expect(styledA.equals(plain)).toBe(false);
    expect(styledA.equals(styledB)).toBe(false);
    expect((await imageOf(other, version)).equals(styledA)).toBe(true);
    expect((await imageOf(other, version, { lora_scale: 0 })).equals(plain)).toBe(true);
    // The trainer's own predictions run the base model.
    expect((await imageOf(other, "lora-trainer")).equals(plain)).toBe(true);
  });

  it("reads the zip from a URL the engine can read (gengate's own file URL)", async () => {
    const provider = await sim(tempDir(), 0);
    const url = "https://gengate.example/files/abc.zip";
    const { start } = await train(provider, "from-url", url, contextWith({ [url]: await photosZip() }));
    expect((await provider.status(start.operation, ctx)).state).toBe("succeeded");
  });

  it("fails at once on a bad zip, saying why", async () => {
    const provider = await sim();
    const training = trainingOf(provider);
    const notZip = await training.uploadTrainingData(dataOf(await photo()), ctx);
    const noImages = await training.uploadTrainingData(
      dataOf(await zipOf({ "readme.txt": "hi", "x.bin": "0123456789abcdef" })),
      ctx,
    );
    const cases: [string, RegExp][] = [
      [notZip, /^input_images must be a zip file of images; this is not a zip file/],
      [noImages, /^input_images holds no images \(PNG, JPEG, WebP or GIF\): found readme.txt, x.bin$/],
      [`sim-upload://${"0".repeat(64)}`, /is gone \(uploads are kept 24 hours\)$/],
    ];
    for (const [url, error] of cases) {
      const { start } = await train(provider, "bad", url);
      const status = await provider.status(start.operation, ctx);
      expect(status.state).toBe("failed");
      expect(status.error).toMatch(error);
      expect(status.logs).toMatch(/ValueError: input_images/);
    }
    expect(await provider.getModel(parseModelRef("sim-lora/bad"))).toBeNull();
  });

  it("is refused before anything starts when the zip cannot be read or the request is wrong", async () => {
    const dataDir = tempDir();
    const provider = await sim(dataDir);
    const training = trainingOf(provider);
    await expect(train(provider, "unread", "https://gengate.example/files/missing.zip")).rejects.toThrow(
      /unexpected readInput/,
    );
    const request = {
      trainingId: newId(),
      trainer: "sim/lora-trainer",
      destination: "sim-lora/x",
      input: {},
    };
    await expect(training.startTraining(request, ctx)).rejects.toMatchObject({ code: "invalid_input" });
    const elsewhere = { ...request, destination: "me/x", input: { input_images: "sim-upload://x" } };
    const refusal = {
      code: "invalid_input",
      invalidFields: [expect.objectContaining({ field: "destination" })],
    };
    await expect(training.startTraining(elsewhere, ctx)).rejects.toMatchObject(refusal);
    // The same refusal comes at create, before the training is stored.
    await expect(training.checkDestination("me/x", ctx)).rejects.toMatchObject(refusal);
    await expect(training.checkDestination("sim-lora/x", ctx)).resolves.toBeUndefined();
    expect(await readSimStarts(dataDir)).toEqual(new Map());
  });

  it("can be canceled; a canceled training makes no version", async () => {
    const provider = await sim(tempDir(), 60_000);
    const url = await trainingOf(provider).uploadTrainingData(dataOf(await photosZip()), ctx);
    const { start } = await train(provider, "stopped", url);
    await provider.cancel(start.operation, ctx);
    const status = await provider.status(start.operation, ctx);
    expect(status.state).toBe("canceled");
    expect(status.logs).toMatch(/^Extracted 3 files/);
    expect(() => provider.stream?.(start.operation, ctx)).toThrow("sim trainings do not stream");
    expect(await provider.getModel(parseModelRef("sim-lora/stopped"))).toBeNull();
  });
});
