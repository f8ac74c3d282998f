/**
 * The Replicate provider's training methods, driven directly against the fake Replicate over real
 * HTTP: destination models, uploads of training data, trainings followed to their new version
 * (which then runs), lost creates found again, bad zips, cancels and webhooks.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../src/core/errors.ts";
import { parseModelRef } from "../src/core/model-ref.ts";
import {
  isOutputFile,
  type OutputFile,
  type Provider,
  type ProviderContext,
  type ProviderTraining,
  type StatusResult,
  type TrainingData,
} from "../src/providers/provider.ts";
import { createReplicateProvider } from "../src/providers/replicate/index.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { photo, zipOf } from "./fakes/replicate/training-zip.ts";
import { providerDeps } from "./support/provider-deps.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

const TRAINER = "ostris/flux-dev-lora-trainer";
let fake: FakeReplicate;
let provider: Provider;

/** A provider with a journal of its own (a new data folder's). */
async function replicate(): Promise<Provider> {
  const env = { REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url, REPLICATE_WAIT_SECONDS: "0" };
  const created = createReplicateProvider(env, await providerDeps("replicate"));
  if (!created) throw new Error("no provider");
  return created;
}

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 }, trainingMs: 300 });
  provider = await replicate();
});

afterAll(() => fake.close());

/** Reads data: URLs only: every other file must be Replicate's to read. */
const ctx: ProviderContext = {
  async readInput(url) {
    const match = /^data:([^;,]*);base64,(.*)$/s.exec(url);
    if (!match) throw new Error(`unexpected readInput ${url}`);
    return { contentType: match[1] ?? "", data: Buffer.from(match[2] ?? "", "base64") };
  },
};

const trainingOf = (p: Provider = provider): ProviderTraining => {
  if (!p.training) throw new Error("the Replicate provider cannot train");
  return p.training;
};

const dataOf = (bytes: Buffer, name = "photos.zip"): TrainingData => ({
  name,
  contentType: "application/zip",
  size: bytes.length,
  open: async () => Readable.from([bytes]),
});

const requests = (method: string, path: string | RegExp) =>
  fake.requests.filter(
    (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
  );

async function settle(operation: unknown, p: Provider = provider, timeoutMs = 10_000): Promise<StatusResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await p.status(operation, ctx);
    if (["succeeded", "failed", "canceled"].includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`still ${status.state}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function bytesOf(file: OutputFile): Promise<Buffer> {
  const opened = await file.open();
  if (opened instanceof Uint8Array) return Buffer.from(opened);
  const chunks: Buffer[] = [];
  for await (const chunk of opened) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let ids = 0;
const newTrainingId = () => `tr${++ids}${"a".repeat(20)}`;

async function photosZip(): Promise<Buffer> {
  return zipOf({
    "me-1.png": await photo(),
    "me-1.txt": "a photo of ZXY",
    "me-2.png": await photo(10, 200, 90),
  });
}

describe("Replicate trainer and schema", () => {
  it("defaults to ostris/flux-dev-lora-trainer and serves its latest version's TrainingInput", async () => {
    const training = trainingOf();
    expect(training.defaultTrainer).toBe(TRAINER);
    const schema = (await training.trainingSchema(TRAINER)) as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.required).toEqual(["input_images"]);
    expect(schema.properties.input_images).toMatchObject({ type: "string", format: "uri" });
    expect(schema.properties.steps).toMatchObject({ default: 1000, minimum: 3, maximum: 6000 });
    const lookups = requests("GET", `/v1/models/${TRAINER}`).length;
    await training.trainingSchema(TRAINER);
    expect(requests("GET", `/v1/models/${TRAINER}`).length).toBe(lookups);
  });

  it("refuses models that cannot train, and trainers that do not exist", async () => {
    const training = trainingOf();
    await expect(training.trainingSchema("fake/sdxl")).rejects.toMatchObject({ code: "bad_request" });
    await expect(training.trainingSchema("nobody/nothing")).rejects.toMatchObject({ code: "not_found" });
    await expect(training.trainingSchema("not a trainer")).rejects.toMatchObject({ code: "bad_request" });
  });

  it("takes a pinned trainer version, or the engine's providerModel of the trainer", async () => {
    const training = trainingOf();
    const model = await provider.getModel(parseModelRef(TRAINER));
    const pinned = await training.trainingSchema(`${TRAINER}:${model?.versionId}`);
    expect(await training.trainingSchema(model?.providerModel ?? "")).toEqual(pinned);
    await expect(training.trainingSchema(`${TRAINER}:${"0".repeat(64)}`)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("destination models", () => {
  it("are checked before a training is stored: the account's own, and existing", async () => {
    const training = trainingOf();
    const refusal = {
      code: "invalid_input",
      invalidFields: [expect.objectContaining({ field: "destination" })],
    };
    await expect(training.checkDestination("someone-else/model", ctx)).rejects.toMatchObject(refusal);
    await expect(training.checkDestination("fake-user/never-made", ctx)).rejects.toMatchObject(refusal);
    const made = await training.createModel("lora-checked", ctx);
    await expect(training.checkDestination(made, ctx)).resolves.toBeUndefined();
  });

  it("are created once, private, owned by the token's account, however often asked", async () => {
    const training = trainingOf();
    expect(await training.createModel("lora-once", ctx)).toBe("fake-user/lora-once");
    expect(await training.createModel("lora-once", ctx)).toBe("fake-user/lora-once");
    const posts = requests("POST", "/v1/models").filter(
      (r) => (r.body as { name?: string }).name === "lora-once",
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      owner: "fake-user",
      name: "lora-once",
      visibility: "private",
      hardware: "cpu",
    });

    // Two at once: both look, both create, one is told it exists; both get the one model.
    const both = await Promise.all([
      training.createModel("lora-race", ctx),
      training.createModel("lora-race", ctx),
    ]);
    expect(both).toEqual(["fake-user/lora-race", "fake-user/lora-race"]);
    const raced = requests("POST", "/v1/models").filter(
      (r) => (r.body as { name?: string }).name === "lora-race",
    );
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(requests("GET", "/v1/account")).toHaveLength(1);
  });
});

describe("a training", () => {
  it("trains from uploaded data, gives the new version and its weights, and the version runs", async () => {
    const training = trainingOf();
    const zip = await photosZip();
    const url = await training.uploadTrainingData(dataOf(zip), ctx);
    expect(url).toMatch(new RegExp(`^${fake.url}/files/[0-9a-z]+$`));
    const destination = await training.createModel("lora-run", ctx);
    // Looked up before it has a version: the training must make this stale.
    const before = await provider.getModel({ kind: "model", owner: "fake-user", name: "lora-run" });
    expect(before?.providerModel).toBe("model:fake-user/lora-run");

    const trainingId = newTrainingId();
    const start = await training.startTraining(
      {
        trainingId,
        trainer: TRAINER,
        destination,
        input: { input_images: url, trigger_word: "ZXY", steps: 8, lora_rank: 4 },
      },
      ctx,
    );
    expect(start.operation).toMatchObject({ kind: "training", id: start.upstreamId, destination });
    const create = requests("POST", /\/trainings$/).at(-1);
    expect(create?.path).toMatch(new RegExp(`^/v1/models/${TRAINER}/versions/[0-9a-f]{64}/trainings$`));
    expect(create?.body).toEqual({
      destination,
      input: { input_images: url, trigger_word: "ZXY", steps: 8, lora_rank: 4 },
    });

    const done = await settle(start.operation);
    expect(done.state).toBe("succeeded");
    expect(done.logs).toMatch(/Extracted 3 files from zip to input_images/);
    const output = done.output as { version: string; weights: OutputFile };
    expect(output.version).toMatch(/^fake-user\/lora-run:[0-9a-f]{64}$/);
    expect(isOutputFile(output.weights)).toBe(true);
    expect([output.weights.extension, output.weights.contentType]).toEqual(["tar", "application/x-tar"]);
    const tar = await bytesOf(output.weights);
    expect(tar.subarray(0, 44).toString()).toBe("output/flux_train_replicate/lora.safetensors");
    expect(tar.subarray(257, 262).toString()).toBe("ustar");
    expect(requests("GET", `/v1/trainings/${start.upstreamId}`).length).toBeGreaterThan(0);

    expect(fake.trainingInputs().find((r) => r.trainingId === start.upstreamId)).toMatchObject({
      url,
      size: zip.length,
      images: ["me-1.png", "me-2.png"],
      captions: ["me-1.txt"],
    });

    const trained = await provider.getModel(parseModelRef(output.version));
    const versionId = output.version.split(":")[1];
    expect(trained).toMatchObject({
      owner: "fake-user",
      name: "lora-run",
      versionId,
      providerModel: `version:${output.version}`,
    });
    expect(
      (trained?.inputSchema.properties as Record<string, unknown> | undefined)?.lora_scale,
    ).toMatchObject({
      default: 1,
    });
    const latest = await provider.getModel({ kind: "model", owner: "fake-user", name: "lora-run" });
    expect(latest?.providerModel).toBe(`version:${output.version}`);

    const prediction = await provider.start(
      {
        predictionId: "lorapredictionaaaaaaaaaaa",
        submitId: "lorasubmit",
        providerModel: trained?.providerModel ?? "",
        input: { prompt: "a photo of ZXY", width: 256, height: 256, lora_scale: 0.8 },
      },
      ctx,
    );
    const ran = await settle(prediction.operation);
    expect(ran.state).toBe("succeeded");
    expect((ran.output as OutputFile[]).every(isOutputFile)).toBe(true);
    expect(fake.predictions().find((p) => p.id === prediction.upstreamId)?.versionId).toBe(versionId);
  });

  it("fails with the trainer's error when the zip holds no image", async () => {
    const training = trainingOf();
    const url = await training.uploadTrainingData(
      dataOf(await zipOf({ "notes.txt": "no photos here", "data.bin": "0123456789abcdef" })),
      ctx,
    );
    const start = await training.startTraining(
      {
        trainingId: newTrainingId(),
        trainer: TRAINER,
        destination: await training.createModel("lora-empty", ctx),
        input: { input_images: url, steps: 8 },
      },
      ctx,
    );
    const done = await settle(start.operation);
    expect(done).toMatchObject({
      state: "failed",
      error: "input_images holds no images (PNG, JPEG, WebP or GIF): found notes.txt, data.bin",
    });
    expect(done.logs).toMatch(/ValueError: input_images holds no images/);
  });

  it("sends a small zip given as a data URL inline, and a zip that is not one fails", async () => {
    const training = trainingOf();
    const png = await photo();
    const start = await training.startTraining(
      {
        trainingId: newTrainingId(),
        trainer: TRAINER,
        destination: await training.createModel("lora-inline", ctx),
        input: { input_images: `data:application/zip;base64,${png.toString("base64")}`, steps: 8 },
      },
      ctx,
    );
    const done = await settle(start.operation);
    expect(done.state).toBe("failed");
    expect(done.error).toMatch(/^input_images must be a zip file of images; this is not a zip file/);
  });

  it("is canceled at /trainings/{id}/cancel", async () => {
    const training = trainingOf();
    const url = await training.uploadTrainingData(dataOf(await photosZip()), ctx);
    const start = await training.startTraining(
      {
        trainingId: newTrainingId(),
        trainer: TRAINER,
        destination: await training.createModel("lora-cancel", ctx),
        input: { input_images: url, steps: 8 },
      },
      ctx,
    );
    await provider.cancel(start.operation, ctx);
    expect(requests("POST", `/v1/trainings/${start.upstreamId}/cancel`)).toHaveLength(1);
    expect((await settle(start.operation)).state).toBe("canceled");
    // A training Replicate no longer knows needs no cancel.
    await provider.cancel({ ...(start.operation as object), id: "gonegonegone" }, ctx);
  });
});

describe("findTraining", () => {
  it("adopts the training a lost create made, never one that belongs to other work", async () => {
    const training = trainingOf();
    const url = await training.uploadTrainingData(dataOf(await photosZip()), ctx);
    const destination = await training.createModel("lora-lost", ctx);
    const request = (trainingId: string) => ({
      trainingId,
      trainer: TRAINER,
      destination,
      input: { input_images: url, steps: 8 },
    });
    // Another training with the very same input, whose create was answered.
    const other = await training.startTraining(request(newTrainingId()), ctx);

    const lostId = newTrainingId();
    fake.faults.resetAfterCreate(1);
    const lost = await training.startTraining(request(lostId), ctx).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(GatewayError);
    expect((lost as GatewayError).retryable).toBe(true);
    const made = fake
      .predictions()
      .filter((p) => p.kind === "training")
      .at(-1);
    expect(made?.id).not.toBe(other.upstreamId);

    const found = await training.findTraining(lostId, ctx);
    expect(found?.upstreamId).toBe(made?.id);
    expect(found?.operation).toMatchObject({ kind: "training", destination });
    expect((await settle(found?.operation)).state).toBe("succeeded");
    // Nothing was started for an id never seen, and a fresh journal cannot tell unmarked work apart.
    expect(await training.findTraining(newTrainingId(), ctx)).toBeNull();
    expect(await trainingOf(await replicate()).findTraining(lostId, ctx)).toBeNull();
  });

  it("finds a webhooked training by the marker in its webhook URL, even without the journal", async () => {
    const training = trainingOf();
    const url = await training.uploadTrainingData(dataOf(await photosZip()), ctx);
    const trainingId = newTrainingId();
    fake.faults.resetBeforeCreate(1);
    const request = {
      trainingId,
      trainer: TRAINER,
      destination: await training.createModel("lora-marked", ctx),
      input: { input_images: url, steps: 8 },
      webhookUrl: "http://127.0.0.1:9/hooks/replicate",
    };
    await expect(training.startTraining(request, ctx)).rejects.toBeInstanceOf(GatewayError);
    expect(await training.findTraining(trainingId, ctx)).toBeNull();
    fake.faults.resetAfterCreate(1);
    await expect(training.startTraining(request, ctx)).rejects.toBeInstanceOf(GatewayError);
    const made = fake
      .predictions()
      .filter((p) => p.kind === "training")
      .at(-1);
    expect(made?.webhook).toBe(`http://127.0.0.1:9/hooks/replicate?training=${trainingId}`);
    const found = await trainingOf(await replicate()).findTraining(trainingId, ctx);
    expect(found?.upstreamId).toBe(made?.id);
    expect(found?.operation).toMatchObject({ webhooked: true });
  });
});

describe("training webhooks", () => {
  it("parse like predictions', name the training, and map its version and weights", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const training = trainingOf();
      const url = await training.uploadTrainingData(dataOf(await photosZip()), ctx);
      const trainingId = newTrainingId();
      const start = await training.startTraining(
        {
          trainingId,
          trainer: TRAINER,
          destination: await training.createModel("lora-hooked", ctx),
          input: { input_images: url, steps: 8 },
          webhookUrl: receiver.url,
        },
        ctx,
      );
      expect(start.nextPollMs).toBe(30_000);
      const create = requests("POST", /\/trainings$/).at(-1);
      expect(create?.body).toMatchObject({
        webhook: `${receiver.url}?training=${trainingId}`,
        webhook_events_filter: ["completed"],
      });
      const [hook] = await receiver.waitFor(1);
      const headers = new Headers(
        Object.entries(hook?.headers ?? {}).map(([name, value]) => [name, String(value)] as [string, string]),
      );
      const inbound = new Request(`http://gengate.example/hooks/replicate?training=${trainingId}`, {
        method: "POST",
        headers,
        body: hook?.body ?? "",
      });
      const webhook = provider.webhook;
      expect(await webhook?.verify(inbound, hook?.body ?? "")).toBe(true);
      const parsed = await webhook?.parse(inbound, hook?.body ?? "");
      expect(parsed).toMatchObject({ upstreamId: start.upstreamId, predictionId: trainingId });
      expect(parsed?.update.state).toBe("succeeded");
      const output = parsed?.update.output as { version: string; weights: OutputFile };
      expect(output.version).toMatch(/^fake-user\/lora-hooked:[0-9a-f]{64}$/);
      expect(isOutputFile(output.weights)).toBe(true);
      expect((await bytesOf(output.weights)).subarray(257, 262).toString()).toBe("ustar");
    } finally {
      await receiver.close();
    }
  });
});
