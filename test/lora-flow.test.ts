/**
 * The LoRA issue's acceptance through the API against the fake Replicate: photos → a ready LoRA →
 * a prediction with `lora:<name>` whose upstream request carries the trained version and the
 * trigger word; and each kind of bad upload refused with the file named, nothing sent upstream.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";
import { jpegFiles, renamedInZip, solidPhoto, zipOf } from "../src/engine/training/photos/test-fixtures.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { signedFileLink } from "./support/file-link.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let replicate: FakeReplicate;
let gateway: TestGateway;

beforeAll(async () => {
  replicate = await startFakeReplicate({ trainingMs: 600, latencyMs: { min: 20, max: 60 } });
  gateway = await startGateway({ REPLICATE_API_TOKEN: replicate.token, REPLICATE_BASE_URL: replicate.url });
});

afterAll(async () => {
  await gateway.close();
  await replicate.close();
});

interface Photo {
  name: string;
  data: Buffer;
}

function loraForm(fields: Record<string, string>, photos: Photo[]): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const photo of photos) form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
  return form;
}

async function createLora(fields: Record<string, string>, photos: Photo[]): Promise<Response> {
  return gateway.api("/v1/loras", { method: "POST", body: loraForm(fields, photos) });
}

async function untilDone(name: string): Promise<LoraJson> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lora = (await (await gateway.api(`/v1/loras/${name}`)).json()) as LoraJson;
    if (["ready", "failed", "canceled"].includes(lora.status)) return lora;
    if (Date.now() > deadline) throw new Error(`LoRA ${name} still ${lora.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Requests that would spend or create something upstream. */
const upstreamWrites = () =>
  replicate.requests.filter(
    (r) => r.method === "POST" && /^\/v1\/(files|models$|models\/.+\/trainings|predictions)/.test(r.path),
  ).length;

describe("a LoRA from photos", () => {
  it("trains on Replicate and runs as lora:<name> with its trigger word", async () => {
    const response = await createLora(
      {
        name: "anna",
        trigger_word: "ANNA",
        params: JSON.stringify({ steps: 500, lora_rank: 8 }),
        samples: "2",
      },
      await jpegFiles(5),
    );
    expect(response.status).toBe(201);
    const created = (await response.json()) as LoraJson;
    expect(created).toMatchObject({ name: "anna", model: "lora:anna", photos: 5, provider: "replicate" });

    const lora = await untilDone("anna");
    expect(lora.error).toBeNull();
    expect(lora.status).toBe("ready");
    expect(lora.destination).toMatch(/^fake-user\/anna-/);
    expect(lora.version).toMatch(new RegExp(`^${lora.destination}:[a-f0-9]{64}$`));
    expect(lora.weights).toMatch(signedFileLink(gateway.url, "tar"));
    expect(lora.samples.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(lora.samples.every((s) => s.prompt.includes("ANNA"))).toBe(true);

    const [upload] = replicate.trainingInputs();
    expect(upload?.images).toEqual([
      "photo-001.jpg",
      "photo-002.jpg",
      "photo-003.jpg",
      "photo-004.jpg",
      "photo-005.jpg",
    ]);
    const trainings = replicate.predictions().filter((p) => p.kind === "training");
    expect(trainings).toHaveLength(1);
    expect(trainings[0]?.input).toMatchObject({ trigger_word: "ANNA", steps: 500, lora_rank: 8 });
    expect(trainings[0]?.destination).toBe(lora.destination);

    const trainedVersion = lora.version?.split(":")[1];
    const run = await gateway.api("/v1/predictions", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "wait" },
      body: JSON.stringify({
        version: "lora:anna",
        input: { prompt: "a portrait in the snow", lora_scale: 0.8 },
      }),
    });
    expect(run.status).toBe(201);
    expect(((await run.json()) as { status: string }).status).toBe("succeeded");
    const upstream = replicate
      .predictions()
      .filter((p) => p.kind === "prediction")
      .at(-1);
    expect(upstream?.version).toBe(trainedVersion);
    expect(upstream?.input).toMatchObject({ prompt: "ANNA a portrait in the snow", lora_scale: 0.8 });

    // By its version the trigger word is added too, and a prompt that has it is left alone.
    const byVersion = await gateway.api("/v1/predictions", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "wait" },
      body: JSON.stringify({ version: lora.version, input: { prompt: "ANNA on a bike" } }),
    });
    expect(((await byVersion.json()) as { status: string }).status).toBe("succeeded");
    expect(replicate.predictions().at(-1)?.input).toMatchObject({ prompt: "ANNA on a bike" });

    const training = (await (await gateway.api(`/v1/trainings/${lora.training_id}`)).json()) as {
      status: string;
      destination: string;
      output: { version: string };
    };
    expect(training).toMatchObject({
      status: "succeeded",
      destination: lora.destination,
      output: { version: lora.version },
    });
  });

  it("refuses a second LoRA of the same name, and a prediction of one not trained", async () => {
    const again = await createLora({ name: "anna" }, await jpegFiles(4, 40));
    expect(again.status).toBe(409);
    const unknown = await gateway.api("/v1/predictions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ version: "lora:nobody", input: { prompt: "x" } }),
    });
    expect(unknown.status).toBe(404);
  });
});

describe("a bad upload", () => {
  const zeros = (bytes: number) =>
    Readable.from(Array.from({ length: bytes / 2 ** 20 }, () => Buffer.alloc(2 ** 20)));

  it.each<[string, () => Promise<Photo[]>, number, string]>([
    [
      "a file that is not an image",
      async () => [...(await jpegFiles(4, 10)), { name: "notes.jpg", data: Buffer.from("hello") }],
      415,
      "notes.jpg",
    ],
    [
      "a truncated JPEG",
      async () => {
        const whole = await solidPhoto("jpeg", 600, 600, 77);
        return [...(await jpegFiles(4, 20)), { name: "cut.jpg", data: whole.subarray(0, whole.length / 2) }];
      },
      422,
      "cut.jpg",
    ],
    ["too few photos", () => jpegFiles(2, 30), 422, "2 photos"],
    [
      "a photo over 20 MiB",
      async () => [...(await jpegFiles(4, 40)), { name: "huge.jpg", data: Buffer.alloc(21 * 2 ** 20, 0xff) }],
      413,
      "huge.jpg",
    ],
    [
      "a zip bomb",
      async () => [
        {
          name: "bomb.zip",
          data: await zipOf([...(await jpegFiles(4, 50)), { name: "zeros.jpg", data: zeros(200 * 2 ** 20) }]),
        },
      ],
      413,
      "bomb.zip/zeros.jpg",
    ],
    [
      "a path that climbs out of the zip",
      async () => {
        const zip = await zipOf([
          ...(await jpegFiles(4, 60)),
          { name: "zz/evil.jpg", data: Buffer.from("x") },
        ]);
        return [{ name: "sneaky.zip", data: renamedInZip(zip, "zz/evil.jpg", "../evil.jpg") }];
      },
      400,
      "sneaky.zip/../evil.jpg",
    ],
  ])("refuses %s, naming it, and sends nothing upstream", async (_what, photos, status, named) => {
    const writesBefore = upstreamWrites();
    const response = await createLora({ name: "rejected" }, await photos());
    const problem = (await response.json()) as { detail: string };
    expect(response.status, problem.detail).toBe(status);
    expect(problem.detail).toContain(named);
    expect(upstreamWrites()).toBe(writesBefore);
    expect((await gateway.api("/v1/loras/rejected")).status).toBe(404);
  });
});
