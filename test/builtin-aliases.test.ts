/**
 * Every built-in alias (src/catalog/builtin-models.ts), end to end through gengate's public API on
 * the fake Replicate, whose copies of the models take exactly their published input schemas: once
 * with a typical request, then with each of the seed's fallback triggers (a reference image, a
 * parameter the model does not take, an API error, LoRAs). Each case says where the request must
 * end: on which model, or refused before anything is spent, or failed with the upstream error.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_MODELS } from "../src/catalog/builtin-models.ts";
import { type FakePrediction, type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { signedFileLink } from "./support/file-link.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const FLUX_DEV = "black-forest-labs/flux-dev";
const FLUX_SCHNELL = "black-forest-labs/flux-schnell";
const FLUX_DEV_LORA = "black-forest-labs/flux-dev-lora";
const FLUX_SCHNELL_LORA = "black-forest-labs/flux-schnell-lora";
const KONTEXT_PRO = "black-forest-labs/flux-kontext-pro";
const KONTEXT_MAX = "black-forest-labs/flux-kontext-max";
const QWEN = "qwen/qwen-image";
const IMAGEN = "google/imagen-4-ultra";
const SDXL = "stability-ai/sdxl";
const SD3 = "stability-ai/stable-diffusion-3";
const INPAINTING = "stability-ai/stable-diffusion-inpainting";
const BRIA = "bria/remove-background";
const ESRGAN = "nightmareai/real-esrgan";
const GFPGAN = "tencentarc/gfpgan";
const DDCOLOR = "piddnad/ddcolor";
const GEMMA = "google-deepmind/gemma-2b-it";
const LLAMA = "meta/meta-llama-3-8b-instruct";
const TEXT_MODELS = [GEMMA, LLAMA];

/** Where a request must end. */
type Outcome =
  /** Succeeded on `ran`, whose create carried `sent` (the schema's defaults added). */
  | { ran: string; sent?: Record<string, unknown>; warning?: string }
  /** Refused with a 422 before anything was sent upstream; the detail names `reason`. */
  | { refused: string }
  /** Ran and failed upstream with `failed`, no other target being left. */
  | { failed: string };

interface AliasCases {
  /** A minimal request, which the triggers add to. */
  base: Record<string, unknown>;
  typical: { input: Record<string, unknown> } & Outcome;
  reference: Outcome;
  /** `add` carries a parameter the alias's first model does not take. */
  unsupported: { add: Record<string, unknown> } & Outcome;
  /** The first model's run fails (`model`, defaults to the typical request's). */
  apiError: { model?: string } & Outcome;
  loras: Outcome;
}

let fake: FakeReplicate;
let gateway: TestGateway;
let image: string;
let mask: string;

const LORA = { weights: "fofr/flux-pixar-cars", scale: 0.8 };
const OOM = "CUDA out of memory";
const noLora = { refused: "capability missing: LoRA" };
const noReference = { refused: "capability missing: reference image" };

/** The cases, built once the test images exist. */
function cases(): Record<string, AliasCases> {
  const tool = (model: string, add: Record<string, unknown>, sent: Record<string, unknown>): AliasCases => ({
    base: { image },
    typical: { input: { image }, ran: model, sent },
    reference: { ran: model },
    unsupported: { add, refused: `does not take ${Object.keys(add)[0]}` },
    apiError: { failed: OOM },
    loras: noLora,
  });
  const text = (model: string, sent: Record<string, unknown>, add: Record<string, unknown>): AliasCases => ({
    base: { prompt: "Tell me a story", max_tokens: 8 },
    typical: { input: { prompt: "Tell me a story", max_tokens: 8 }, ran: model, sent },
    reference: noReference,
    unsupported: { add, refused: `does not take ${Object.keys(add)[0]}` },
    apiError: { failed: OOM },
    loras: noLora,
  });
  const prompt = { prompt: "a lighthouse at dusk" };
  return {
    "flux-dev": {
      base: prompt,
      typical: {
        input: { ...prompt, width: 1024, height: 768, steps: 20, guidance: 3.5, seed: 7, num_outputs: 2 },
        ran: FLUX_DEV,
        sent: { aspect_ratio: "4:3", num_inference_steps: 20, guidance: 3.5, seed: 7, num_outputs: 2 },
        warning: "size 1024x768 sent as aspect_ratio 4:3",
      },
      reference: { ran: KONTEXT_MAX, sent: { input_image: image } },
      unsupported: { add: { enhance_prompt: true }, ran: QWEN, sent: { enhance_prompt: true } },
      apiError: { ran: QWEN },
      loras: { ran: FLUX_DEV_LORA, sent: { lora_weights: LORA.weights, lora_scale: LORA.scale } },
    },
    "flux-schnell": {
      base: prompt,
      typical: {
        input: { ...prompt, aspect_ratio: "16:9", steps: 4, output_format: "jpg" },
        ran: FLUX_SCHNELL,
        sent: { aspect_ratio: "16:9", num_inference_steps: 4, output_format: "jpg" },
      },
      reference: noReference,
      unsupported: { add: { guidance: 3 }, refused: "does not take guidance" },
      apiError: { failed: OOM },
      loras: { ran: FLUX_SCHNELL_LORA, sent: { lora_weights: LORA.weights } },
    },
    "flux-kontext-pro": {
      base: prompt,
      typical: {
        input: { prompt: "make it night", reference_image: image, output_format: "jpg" },
        ran: KONTEXT_PRO,
        sent: { input_image: image, output_format: "jpg", aspect_ratio: "match_input_image" },
      },
      reference: { ran: KONTEXT_PRO, sent: { input_image: image } },
      unsupported: { add: { guidance: 3 }, ran: FLUX_DEV, sent: { guidance: 3 } },
      apiError: { ran: FLUX_DEV },
      loras: { ran: FLUX_DEV_LORA },
    },
    "flux-kontext-max": {
      base: prompt,
      typical: {
        input: { prompt: "make it night", reference_image: image, width: 1024, height: 512 },
        ran: KONTEXT_MAX,
        sent: { input_image: image, aspect_ratio: "2:1" },
      },
      reference: { ran: KONTEXT_MAX },
      unsupported: { add: { num_outputs: 2 }, ran: FLUX_DEV, sent: { num_outputs: 2 } },
      apiError: { ran: FLUX_DEV },
      loras: { ran: FLUX_DEV_LORA },
    },
    "qwen-image": {
      base: prompt,
      typical: {
        input: {
          ...prompt,
          aspect_ratio: "16:9",
          steps: 30,
          guidance: 4,
          negative_prompt: "blurry",
          seed: 1,
        },
        ran: QWEN,
        sent: { aspect_ratio: "16:9", num_inference_steps: 30, guidance: 4, negative_prompt: "blurry" },
      },
      reference: { ran: QWEN, sent: { image } },
      unsupported: {
        add: { megapixels: "1" },
        ran: IMAGEN,
        warning: "megapixels dropped: google/imagen-4-ultra does not take it",
      },
      apiError: { ran: IMAGEN },
      loras: { ran: QWEN, sent: { lora_weights: LORA.weights, lora_scale: LORA.scale } },
    },
    "imagen-4-ultra": {
      base: prompt,
      typical: {
        input: { ...prompt, width: 1024, height: 576, output_format: "png" },
        ran: IMAGEN,
        sent: { aspect_ratio: "16:9", output_format: "png" },
      },
      reference: noReference,
      unsupported: {
        add: { seed: 3 },
        ran: IMAGEN,
        warning: "seed dropped: google/imagen-4-ultra does not take it",
      },
      apiError: { failed: OOM },
      loras: noLora,
    },
    sdxl: {
      base: prompt,
      typical: {
        input: {
          ...prompt,
          negative_prompt: "fog",
          aspect_ratio: "3:2",
          steps: 25,
          guidance: 7,
          num_outputs: 2,
        },
        ran: SDXL,
        sent: { negative_prompt: "fog", num_inference_steps: 25, guidance_scale: 7, num_outputs: 2 },
        warning: "aspect_ratio 3:2 sent as size",
      },
      reference: { ran: SDXL, sent: { image } },
      unsupported: { add: { cfg: 5 }, refused: "does not take cfg" },
      apiError: { failed: OOM },
      loras: noLora,
    },
    "sd-3": {
      base: prompt,
      typical: {
        input: { ...prompt, width: 1536, height: 1024, steps: 28, guidance: 5 },
        ran: SD3,
        sent: { aspect_ratio: "3:2", steps: 28, cfg: 5 },
      },
      reference: { ran: SD3, sent: { image } },
      unsupported: { add: { num_outputs: 2 }, refused: "capability missing: 2 outputs" },
      apiError: { failed: OOM },
      loras: noLora,
    },
    inpaint: {
      base: { prompt: "a red balloon", image, mask },
      typical: {
        input: { prompt: "a red balloon", reference_image: image, mask, width: 64, height: 64, steps: 20 },
        ran: INPAINTING,
        sent: { image, mask, width: 64, height: 64, num_inference_steps: 20 },
      },
      reference: { ran: INPAINTING, sent: { image } },
      unsupported: { add: { strength: 0.5 }, refused: "does not take strength" },
      apiError: { failed: OOM },
      loras: noLora,
    },
    "remove-background": tool(BRIA, { scale: 2 }, { image }),
    upscale: {
      ...tool(ESRGAN, { version: "v1.4" }, { image, scale: 2 }),
      typical: { input: { image, scale: 2 }, ran: ESRGAN, sent: { image, scale: 2 } },
    },
    "restore-face": {
      ...tool(GFPGAN, { face_enhance: true }, { img: image }),
      typical: { input: { image, scale: 2 }, ran: GFPGAN, sent: { img: image, scale: 2 } },
    },
    colorize: tool(DDCOLOR, { scale: 2 }, { image }),
    "gemma-2b-it": text(GEMMA, { max_new_tokens: 8 }, { stop: "END" }),
    "llama-3-8b-instruct": text(LLAMA, { max_tokens: 8 }, { seed: 1 }),
  };
}

interface GatewayPrediction {
  id: string;
  status: string;
  error: string | null;
  output: unknown;
  gengate: {
    target: { model: string };
    route: { model: string; outcome: string; reason?: string }[];
    warnings: string[];
  };
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 } });
  gateway = await startGateway({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    LOCAL_TOOLS: "off",
  });
  const square = (colour: string) =>
    sharp({ create: { width: 16, height: 16, channels: 3, background: colour } })
      .png()
      .toBuffer();
  image = dataUrl(await square("#c04020"));
  mask = dataUrl(await square("#ffffff"));
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});

const schemaKeys = new Map<string, string[]>();
/** The input names the fake's copy of `model` publishes. */
async function inputNamesOf(model: string): Promise<string[]> {
  let names = schemaKeys.get(model);
  if (!names) {
    const response = await fetch(`${fake.url}/models/${model}`, {
      headers: { authorization: `Bearer ${fake.token}` },
    });
    const body = (await response.json()) as {
      latest_version: { openapi_schema: { components: { schemas: { Input: { properties: object } } } } };
    };
    names = Object.keys(body.latest_version.openapi_schema.components.schemas.Input.properties);
    schemaKeys.set(model, names);
  }
  return names;
}

async function run(alias: string, input: Record<string, unknown>, outcome: Outcome): Promise<void> {
  const since = Date.now();
  const response = await gateway.api(`/v1/models/gengate/${alias}/predictions`, {
    method: "POST",
    headers: { prefer: "wait", "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  const body = (await response.json()) as GatewayPrediction & { detail?: string };
  const upstream = () => fake.predictions().filter((p) => p.createdAt >= since);
  if ("refused" in outcome) {
    expect(response.status, JSON.stringify(body)).toBe(422);
    expect(body.detail).toContain(outcome.refused);
    expect(upstream()).toEqual([]);
    return;
  }
  expect(response.status, JSON.stringify(body)).toBe(201);
  const done = await until(async () => {
    const got = (await (await gateway.api(`/v1/predictions/${body.id}`)).json()) as GatewayPrediction;
    return ["succeeded", "failed", "canceled"].includes(got.status) ? got : undefined;
  }, 20_000);
  if ("failed" in outcome) {
    expect(done.status).toBe("failed");
    expect(done.error).toContain(outcome.failed);
    return;
  }
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  expect(done.gengate.target.model).toBe(outcome.ran);
  // gengate may take outputs as final a moment before the fake marks its run succeeded.
  const runs = await until(() => {
    const all = upstream();
    return all.every((p) => ["succeeded", "failed"].includes(p.status)) ? all : undefined;
  });
  const ran = runs.filter((p) => p.model === outcome.ran);
  expect(ran.map((p) => p.status)).toEqual(["succeeded"]);
  // Every run before the one that served it failed upstream (the API-error trigger).
  expect(runs.filter((p) => p.model !== outcome.ran).every((p) => p.status === "failed")).toBe(true);
  await expectSentAsPublished(ran[0] as FakePrediction, outcome.sent ?? {});
  if (outcome.warning) expect(done.gengate.warnings.join("\n")).toContain(outcome.warning);
  const outputs = [done.output].flat();
  expect(outputs.length).toBeGreaterThan(0);
  // Text models stream tokens; image models' files are gengate's own copies.
  if (!TEXT_MODELS.includes(outcome.ran))
    for (const url of outputs)
      expect(String(url)).toMatch(signedFileLink(new URL(String(url)).origin, "\\w+"));
}

/** The create carried only the model's own input names, with the values expected. */
async function expectSentAsPublished(run: FakePrediction, sent: Record<string, unknown>): Promise<void> {
  const names = await inputNamesOf(run.model);
  expect(Object.keys(run.input).filter((name) => !names.includes(name))).toEqual([]);
  expect(run.input).toMatchObject(sent);
}

describe("the built-in aliases on the fake Replicate's copies of their models", () => {
  it("covers every built-in alias", () => {
    expect(Object.keys(cases()).sort()).toEqual(Object.keys(BUILTIN_MODELS).sort());
  });

  it.each(Object.keys(BUILTIN_MODELS))("%s: a typical request", async (alias) => {
    const { typical } = cases()[alias] as AliasCases;
    const { input, ...outcome } = typical;
    await run(alias, input, outcome);
  });

  it.each(Object.keys(BUILTIN_MODELS))("%s: with a reference image", async (alias) => {
    const { base, reference } = cases()[alias] as AliasCases;
    await run(alias, { ...base, reference_image: image }, reference);
  });

  it.each(Object.keys(BUILTIN_MODELS))("%s: with a parameter its model does not take", async (alias) => {
    const { base, unsupported } = cases()[alias] as AliasCases;
    const { add, ...outcome } = unsupported;
    await run(alias, { ...base, ...add }, outcome);
  });

  it.each(Object.keys(BUILTIN_MODELS))("%s: when its model's run fails", async (alias) => {
    const { base, typical, apiError } = cases()[alias] as AliasCases;
    const { model = "ran" in typical ? typical.ran : "", ...outcome } = apiError;
    fake.faults.failRuns(model, 1);
    try {
      await run(alias, base, outcome);
    } finally {
      fake.reset();
    }
  });

  it.each(Object.keys(BUILTIN_MODELS))("%s: with LoRAs", async (alias) => {
    const { base, loras } = cases()[alias] as AliasCases;
    await run(alias, { ...base, loras: [LORA] }, loras);
  });
});

describe("the seed's fallback rules, as the route shows them", () => {
  const routeOf = async (alias: string, input: Record<string, unknown>) => {
    const created = await gateway.api(`/v1/models/gengate/${alias}/predictions`, {
      method: "POST",
      headers: { prefer: "wait", "content-type": "application/json" },
      body: JSON.stringify({ input }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const done = await until(async () => {
      const got = (await (await gateway.api(`/v1/predictions/${id}`)).json()) as GatewayPrediction;
      return ["succeeded", "failed"].includes(got.status) ? got : undefined;
    });
    return done.gengate.route.map(({ model, outcome, reason }) => [model, outcome, reason]);
  };

  it("a reference image sent to flux-dev goes to flux-kontext-max, then flux-kontext-pro", async () => {
    fake.faults.failRuns(KONTEXT_MAX, 1);
    try {
      expect(await routeOf("flux-dev", { prompt: "at night", reference_image: image })).toEqual([
        [FLUX_DEV, "skipped", "capability missing: reference image"],
        [KONTEXT_MAX, "failed", OOM],
        [KONTEXT_PRO, "ran", undefined],
      ]);
    } finally {
      fake.reset();
    }
  });

  it("a prompt alone sent to flux-kontext-pro runs there: Kontext makes an image from text too", async () => {
    expect(await routeOf("flux-kontext-pro", { prompt: "a lighthouse" })).toEqual([
      [KONTEXT_PRO, "ran", undefined],
    ]);
  });

  it("an API error runs down flux-dev → qwen-image → imagen-4-ultra", async () => {
    fake.faults.failRuns(FLUX_DEV, 1);
    fake.faults.failRuns(QWEN, 1);
    try {
      expect(await routeOf("flux-dev", { prompt: "a lighthouse" })).toEqual([
        [FLUX_DEV, "failed", OOM],
        [QWEN, "failed", OOM],
        [IMAGEN, "ran", undefined],
      ]);
    } finally {
      fake.reset();
    }
  });

  it("LoRAs made for one base model never move to another one's", async () => {
    fake.faults.failRuns(FLUX_DEV_LORA, 1);
    try {
      const since = Date.now();
      const created = await gateway.api("/v1/models/gengate/flux-dev/predictions", {
        method: "POST",
        headers: { prefer: "wait", "content-type": "application/json" },
        body: JSON.stringify({ input: { prompt: "a car", loras: [LORA] } }),
      });
      const { id } = (await created.json()) as { id: string };
      const done = await until(async () => {
        const got = (await (await gateway.api(`/v1/predictions/${id}`)).json()) as GatewayPrediction;
        return got.status === "failed" ? got : undefined;
      });
      expect(done.error).toContain(OOM);
      expect(
        fake
          .predictions()
          .filter((p) => p.createdAt >= since)
          .map((p) => p.model),
      ).toEqual([FLUX_DEV_LORA]);
    } finally {
      fake.reset();
    }
  });

  it("sends a parameter given in the model's own name over gengate's renamed one, with a warning", async () => {
    const since = Date.now();
    const created = await gateway.api("/v1/models/gengate/flux-dev/predictions", {
      method: "POST",
      headers: { prefer: "wait", "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: "a fox", steps: 20, num_inference_steps: 30 } }),
    });
    const { id } = (await created.json()) as { id: string };
    const done = await until(async () => {
      const got = (await (await gateway.api(`/v1/predictions/${id}`)).json()) as GatewayPrediction;
      return got.status === "succeeded" ? got : undefined;
    });
    expect(done.gengate.warnings).toEqual([
      "steps 20 not sent: the request's own num_inference_steps 30 wins",
    ]);
    const [sent] = fake.predictions().filter((p) => p.createdAt >= since);
    expect(sent?.input.num_inference_steps).toBe(30);
  });

  it("refuses a malformed loras list, naming the field, before anything is stored", async () => {
    const response = await gateway.api("/v1/models/gengate/flux-dev/predictions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: "x", loras: [{ scale: 2 }] } }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(body.invalid_fields.map((f) => f.field)).toEqual(["input.loras.0.weights"]);
    const list = (await (await gateway.api("/v1/predictions")).json()) as { results: { input: object }[] };
    expect(
      list.results.some((p) => "loras" in p.input && JSON.stringify(p.input).includes('"scale":2')),
    ).toBe(false);
  });
});
