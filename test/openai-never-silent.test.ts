/**
 * Never silent: every parameter of OpenAI's chat-completions, Responses, legacy completions,
 * embeddings and image requests, as OpenAI's published OpenAPI document lists them (vendored in test/fakes/openai/), sent to models without
 * native support for them, is honoured, refused with OpenAI's `unsupported_parameter` 400 (and
 * nothing is created), or named in `x-gengate-dropped-params`. A parameter the document gains
 * fails this test until gengate gives it one of the three.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prediction } from "../src/core/prediction.ts";
import { requestProperties } from "./fakes/openai/openapi-spec.ts";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";

type Outcome = "honoured" | "refused" | "dropped";

interface Answer {
  status: number;
  dropped: string[];
  /** The JSON body, or the streamed chunks. */
  json: Record<string, unknown> & { error?: Record<string, unknown> };
  chunks: Record<string, unknown>[];
  prediction: () => Promise<Prediction>;
}

interface Case {
  body: Record<string, unknown>;
  outcome: Outcome;
  /** The name an error or `x-gengate-dropped-params` gives it, when not its own (`text.format`). */
  param?: string;
  /** What shows that an honoured parameter was honoured. */
  check?: (answer: Answer) => Promise<void> | void;
}

const sim = { provider: "sim" };
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig({
    models: {
      "sim-chat": { targets: [{ ...sim, model: "sim/text", input: { token_interval_ms: 1 } }] },
      // sim/image with no output format or quality of its own, as many image models are
      "sim-plain": {
        targets: [
          {
            ...sim,
            model: "sim/image",
            capabilities: { referenceImage: true, mask: true, maxOutputs: 4 },
            params: { output_format: null, output_quality: null, reference_image: "image" },
          },
        ],
      },
      // makes one image a request, and says nothing of more
      "sim-single": { targets: [{ ...sim, model: "sim/image", params: { num_outputs: null } }] },
      // vectors of one length, as most embedding models make
      "sim-embed": { targets: [{ ...sim, model: "sim/embeddings", params: { dimensions: null } }] },
    },
    openai: {
      models: {
        "gpt-4o": "sim-chat",
        "dall-e-3": "sim-plain",
        "gpt-3.5-turbo-instruct": "sim-chat",
        "text-embedding-3-small": "sim-embed",
      },
    },
  });
});

afterAll(() => gateway.close());

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const streamed = response.headers.get("content-type")?.startsWith("text/event-stream");
  const chunks = streamed
    ? text
        .split("\n")
        .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
        .map((line) => JSON.parse(line.slice("data: ".length)))
    : [];
  const json = streamed ? {} : JSON.parse(text);
  const first = chunks[0]?.response ?? chunks[0];
  const id = String(first?.id ?? json.id ?? json.gengate?.prediction_id ?? "").replace(
    /^(chatcmpl-|cmpl-|resp_)/,
    "",
  );
  return {
    status: response.status,
    dropped: (response.headers.get("x-gengate-dropped-params") ?? "").split(", ").filter(Boolean),
    json,
    chunks,
    prediction: () => gateway.engine.waitFor(id, 10_000),
  };
}

const predictionCount = async () => (await gateway.engine.list({ limit: 1000 })).length;

/** Sends the request, and asserts `param` had the declared outcome, and nothing was made of a refusal. */
async function expectOutcome(
  property: string,
  { outcome, check, param = property }: Case,
  send: () => Promise<Response>,
) {
  const before = await predictionCount();
  const answer = await answerOf(await send());
  if (outcome === "refused") {
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      type: "invalid_request_error",
      param,
      code: "unsupported_parameter",
      message: expect.any(String),
    });
    expect(await predictionCount()).toBe(before);
    return;
  }
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  if (outcome === "dropped") expect(answer.dropped).toContain(param);
  else expect(answer.dropped).not.toContain(param);
  await check?.(answer);
}

const inputOf = async (answer: Answer) => (await answer.prediction()).input;

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const dropped = (body: Record<string, unknown>): Case => ({ body, outcome: "dropped" });
const refused = (body: Record<string, unknown>): Case => ({ body, outcome: "refused" });

const CHAT_CASES: Record<string, Case> = {
  model: {
    body: { model: "gpt-4o" },
    outcome: "honoured",
    check: async (answer) => {
      expect(answer.json.model).toBe("gpt-4o");
      expect((await answer.prediction()).model).toBe("gengate/sim-chat");
    },
  },
  messages: {
    body: {
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Tell me about the harbor" },
      ],
    },
    outcome: "honoured",
    check: async (answer) =>
      expect(await inputOf(answer)).toMatchObject({
        system_prompt: "Be brief.",
        prompt: "Tell me about the harbor",
      }),
  },
  stream: {
    body: { stream: true },
    outcome: "honoured",
    check: (answer) => expect(answer.chunks.at(-1)).toMatchObject({ object: "chat.completion.chunk" }),
  },
  stream_options: {
    body: { stream: true, stream_options: { include_usage: true } },
    outcome: "honoured",
    check: (answer) => expect(answer.chunks.at(-1)).toMatchObject({ usage: { completion_tokens: 4 } }),
  },
  max_tokens: {
    body: { max_tokens: 3 },
    outcome: "honoured",
    check: (answer) => expect(answer.json.usage).toMatchObject({ completion_tokens: 3 }),
  },
  max_completion_tokens: {
    body: { max_completion_tokens: 2 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ max_tokens: 2 }),
  },
  temperature: {
    body: { temperature: 0.3 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ temperature: 0.3 }),
  },
  seed: {
    body: { seed: 5 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ seed: 5 }),
  },
  stop: {
    body: { stop: [" about"] },
    outcome: "honoured",
    // sim/text echoes the prompt's first words
    check: (answer) =>
      expect(answer.json.choices).toMatchObject([{ message: { content: "Tell me" }, finish_reason: "stop" }]),
  },
  // n predictions of the same input
  n: { body: { n: 2 }, outcome: "honoured", check: (answer) => expect(answer.json.choices).toHaveLength(2) },
  logprobs: refused({ logprobs: true }),
  top_logprobs: refused({ top_logprobs: 2 }),
  response_format: refused({ response_format: { type: "json_object" } }),
  tools: refused({ tools: [weatherTool] }),
  // The client asks for no tool call: the tools are left out, and said so.
  tool_choice: dropped({ tools: [weatherTool], tool_choice: "none" }),
  functions: refused({ functions: [weatherTool.function] }),
  function_call: dropped({ functions: [weatherTool.function], function_call: "none" }),
  parallel_tool_calls: dropped({ parallel_tool_calls: false }),
  modalities: refused({ modalities: ["text", "audio"] }),
  audio: refused({ audio: { voice: "alloy", format: "wav" } }),
  web_search_options: refused({ web_search_options: {} }),
  moderation: refused({ moderation: { model: "omni-moderation-latest" } }),
  top_p: dropped({ top_p: 0.5 }),
  presence_penalty: dropped({ presence_penalty: 0.5 }),
  frequency_penalty: dropped({ frequency_penalty: 0.5 }),
  logit_bias: dropped({ logit_bias: { "50256": -100 } }),
  reasoning_effort: dropped({ reasoning_effort: "low" }),
  verbosity: dropped({ verbosity: "low" }),
  metadata: dropped({ metadata: { purpose: "test" } }),
  store: dropped({ store: true }),
  service_tier: dropped({ service_tier: "auto" }),
  user: dropped({ user: "user-1" }),
  safety_identifier: dropped({ safety_identifier: "user-1" }),
  prompt_cache_key: dropped({ prompt_cache_key: "harbor" }),
  prompt_cache_retention: dropped({ prompt_cache_retention: "24h" }),
  prompt_cache_options: dropped({ prompt_cache_options: {} }),
  prediction: dropped({ prediction: { type: "content", content: "Tell me" } }),
};

const chatBody = {
  model: "sim-chat",
  messages: [{ role: "user", content: "Tell me about the harbor" }],
  max_tokens: 4,
};
const postJson = (path: string, body: Record<string, unknown>) =>
  gateway.api(`/openai/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/**
 * The walk of one request schema: a declared treatment for every property (and nothing else),
 * each checked by posting `base` with the case's body to `path`.
 */
function walkRequestSchema(schema: string, cases: Record<string, Case>, path: string, base: object) {
  const properties = requestProperties(schema);

  it("has a declared treatment for each, and for nothing else", () => {
    expect(Object.keys(cases).sort()).toEqual(properties);
  });

  it.each(properties)("%s is honoured, refused or dropped visibly", async (param) => {
    const each = cases[param];
    if (!each) throw new Error(`no treatment declared for ${param}`);
    await expectOutcome(param, each, () => postJson(path, { ...base, ...each.body }));
  });
}

describe("chat completions: every parameter of CreateChatCompletionRequest", () => {
  walkRequestSchema("CreateChatCompletionRequest", CHAT_CASES, "/chat/completions", chatBody);

  it("passes a parameter outside OpenAI's request to a model that takes it, else names it dropped", async () => {
    await expectOutcome("top_k", dropped({}), () =>
      postJson("/chat/completions", { ...chatBody, top_k: 40 }),
    );
    await expectOutcome(
      "latency_ms",
      {
        body: {},
        outcome: "honoured",
        check: async (a) => expect(await inputOf(a)).toMatchObject({ latency_ms: 5 }),
      },
      () => postJson("/chat/completions", { ...chatBody, latency_ms: 5 }),
    );
  });
});

const responsesBody = { model: "sim-chat", input: "Tell me about the harbor", max_output_tokens: 4 };
const responsesTool = { type: "function", ...weatherTool.function };

const RESPONSES_CASES: Record<string, Case> = {
  model: {
    body: { model: "gpt-4o" },
    outcome: "honoured",
    check: async (answer) => {
      expect(answer.json.model).toBe("gpt-4o");
      expect((await answer.prediction()).model).toBe("gengate/sim-chat");
    },
  },
  input: {
    body: {
      input: [
        { role: "developer", content: "Be brief." },
        {
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: "Tell me about the harbor" }],
        },
      ],
    },
    outcome: "honoured",
    check: async (answer) =>
      expect(await inputOf(answer)).toMatchObject({
        system_prompt: "Be brief.",
        prompt: "Tell me about the harbor",
      }),
  },
  instructions: {
    body: { instructions: "Be brief." },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ system_prompt: "Be brief." }),
  },
  stream: {
    body: { stream: true },
    outcome: "honoured",
    // max_output_tokens: 4 ends it short
    check: (answer) =>
      expect(answer.chunks.at(-1)).toMatchObject({
        type: "response.incomplete",
        response: { incomplete_details: { reason: "max_output_tokens" } },
      }),
  },
  max_output_tokens: {
    body: { max_output_tokens: 3 },
    outcome: "honoured",
    check: (answer) => expect(answer.json.usage).toMatchObject({ output_tokens: 3 }),
  },
  temperature: {
    body: { temperature: 0.3 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ temperature: 0.3 }),
  },
  background: refused({ background: true }),
  conversation: refused({ conversation: "conv_1" }),
  previous_response_id: refused({ previous_response_id: "resp_1" }),
  prompt: refused({ prompt: { id: "pmpt_1" } }),
  moderation: refused({ moderation: { model: "omni-moderation-latest" } }),
  tools: refused({ tools: [responsesTool] }),
  text: { ...refused({ text: { format: { type: "json_object" } } }), param: "text.format" },
  top_logprobs: refused({ top_logprobs: 2 }),
  // The client asks for no tool call: the tools are left out, and said so.
  tool_choice: dropped({ tools: [responsesTool], tool_choice: "none" }),
  reasoning: { ...dropped({ reasoning: { effort: "low" } }), param: "reasoning.effort" },
  top_p: dropped({ top_p: 0.5 }),
  include: dropped({ include: ["reasoning.encrypted_content"] }),
  truncation: dropped({ truncation: "auto" }),
  parallel_tool_calls: dropped({ parallel_tool_calls: false }),
  max_tool_calls: dropped({ max_tool_calls: 2 }),
  context_management: dropped({ context_management: [{ type: "compaction", compact_threshold: 1000 }] }),
  stream_options: dropped({ stream: true, stream_options: { include_obfuscation: false } }),
  metadata: dropped({ metadata: { purpose: "test" } }),
  store: dropped({ store: true }),
  service_tier: dropped({ service_tier: "auto" }),
  user: dropped({ user: "user-1" }),
  safety_identifier: dropped({ safety_identifier: "user-1" }),
  prompt_cache_key: dropped({ prompt_cache_key: "harbor" }),
  prompt_cache_retention: dropped({ prompt_cache_retention: "24h" }),
  prompt_cache_options: dropped({ prompt_cache_options: {} }),
};

describe("responses: every parameter of CreateResponse", () => {
  walkRequestSchema("CreateResponse", RESPONSES_CASES, "/responses", responsesBody);

  it("names what it drops as the client spelled it, and a parameter outside OpenAI's request", async () => {
    await expectOutcome("text.verbosity", dropped({}), () =>
      postJson("/responses", { ...responsesBody, text: { verbosity: "low" } }),
    );
    await expectOutcome("top_k", dropped({}), () => postJson("/responses", { ...responsesBody, top_k: 40 }));
  });
});

const COMPLETION_CASES: Record<string, Case> = {
  model: {
    body: { model: "gpt-3.5-turbo-instruct" },
    outcome: "honoured",
    check: async (answer) => {
      expect(answer.json.model).toBe("gpt-3.5-turbo-instruct");
      expect((await answer.prediction()).model).toBe("gengate/sim-chat");
    },
  },
  prompt: {
    body: { prompt: "Quiet river" },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ prompt: "Quiet river" }),
  },
  max_tokens: {
    body: { max_tokens: 3 },
    outcome: "honoured",
    check: (answer) => expect(answer.json.usage).toMatchObject({ completion_tokens: 3 }),
  },
  n: { body: { n: 2 }, outcome: "honoured", check: (answer) => expect(answer.json.choices).toHaveLength(2) },
  // as many candidates as choices: every one is answered (more would need ranking, and are refused)
  best_of: {
    body: { n: 2, best_of: 2 },
    outcome: "honoured",
    check: (answer) => expect(answer.json.choices).toHaveLength(2),
  },
  echo: {
    body: { echo: true },
    outcome: "honoured",
    check: (answer) =>
      expect(answer.json.choices).toMatchObject([
        { text: expect.stringMatching(/^Tell me about the harborTell/) },
      ]),
  },
  stream: {
    body: { stream: true },
    outcome: "honoured",
    check: (answer) => expect(answer.chunks.at(-1)).toMatchObject({ object: "text_completion" }),
  },
  stream_options: {
    body: { stream: true, stream_options: { include_usage: true } },
    outcome: "honoured",
    check: (answer) => expect(answer.chunks.at(-1)).toMatchObject({ usage: { completion_tokens: 4 } }),
  },
  stop: {
    body: { stop: " about" },
    outcome: "honoured",
    check: (answer) =>
      expect(answer.json.choices).toMatchObject([{ text: "Tell me", finish_reason: "stop" }]),
  },
  temperature: {
    body: { temperature: 0.3 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ temperature: 0.3 }),
  },
  seed: {
    body: { seed: 5 },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ seed: 5 }),
  },
  logprobs: refused({ logprobs: 2 }),
  suffix: refused({ suffix: "and so it ends." }),
  top_p: dropped({ top_p: 0.5 }),
  presence_penalty: dropped({ presence_penalty: 0.5 }),
  frequency_penalty: dropped({ frequency_penalty: 0.5 }),
  logit_bias: dropped({ logit_bias: { "50256": -100 } }),
  user: dropped({ user: "user-1" }),
};

const completionBody = { model: "sim-chat", prompt: "Tell me about the harbor", max_tokens: 4 };

describe("legacy completions: every parameter of CreateCompletionRequest", () => {
  walkRequestSchema("CreateCompletionRequest", COMPLETION_CASES, "/completions", completionBody);

  it("refuses best_of above n: gengate does not rank candidates", async () => {
    await expectOutcome("best_of", refused({}), () =>
      postJson("/completions", { ...completionBody, n: 2, best_of: 3 }),
    );
  });
});

const EMBEDDING_CASES: Record<string, Case> = {
  model: {
    body: { model: "text-embedding-3-small" },
    outcome: "honoured",
    check: async (answer) => {
      expect(answer.json.model).toBe("text-embedding-3-small");
      expect((await embeddingPrediction()).model).toBe("gengate/sim-embed");
    },
  },
  input: {
    body: { input: ["a harbor", "a river"] },
    outcome: "honoured",
    check: (answer) => expect(answer.json.data).toHaveLength(2),
  },
  encoding_format: {
    body: { encoding_format: "base64" },
    outcome: "honoured",
    check: (answer) => expect(answer.json.data).toMatchObject([{ embedding: expect.any(String) }]),
  },
  // sim-embed makes vectors of one length
  dimensions: refused({ dimensions: 8 }),
  user: dropped({ user: "user-1" }),
};

/** An embeddings answer names no prediction: the latest one is the request's. */
const embeddingPrediction = async () => {
  const [latest] = await gateway.engine.list({ limit: 1 });
  if (!latest) throw new Error("no prediction");
  return latest;
};

describe("embeddings: every parameter of CreateEmbeddingRequest", () => {
  walkRequestSchema("CreateEmbeddingRequest", EMBEDDING_CASES, "/embeddings", {
    model: "sim-embed",
    input: "a harbor",
  });
});

const isFormat = (format: string) => async (answer: Answer) => {
  const [image] = answer.json.data as { b64_json: string }[];
  expect((await sharp(Buffer.from(image?.b64_json ?? "", "base64")).metadata()).format).toBe(format);
};

const IMAGE_CASES: Record<string, Case> = {
  prompt: {
    body: { prompt: "a lighthouse at dusk" },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ prompt: "a lighthouse at dusk" }),
  },
  model: {
    body: { model: "dall-e-3" },
    outcome: "honoured",
    check: (answer) => expect(answer.json.gengate).toMatchObject({ model: "gengate/sim-plain" }),
  },
  n: { body: { n: 2 }, outcome: "honoured", check: (answer) => expect(answer.json.data).toHaveLength(2) },
  size: {
    body: { size: "96x64" },
    outcome: "honoured",
    check: async (answer) => expect(await inputOf(answer)).toMatchObject({ width: 96, height: 64 }),
  },
  // PNG by default, as OpenAI's: the model makes WebP, the answer is converted
  response_format: { body: { response_format: "b64_json" }, outcome: "honoured", check: isFormat("png") },
  output_format: {
    body: { output_format: "jpeg", response_format: "b64_json" },
    outcome: "honoured",
    check: isFormat("jpeg"),
  },
  output_compression: dropped({ output_compression: 50 }),
  quality: dropped({ quality: "hd" }),
  style: dropped({ style: "vivid" }),
  partial_images: dropped({ partial_images: 2 }),
  moderation: dropped({ moderation: "low" }),
  user: dropped({ user: "user-1" }),
  input_fidelity: dropped({ input_fidelity: "high" }),
  stream: refused({ stream: true }),
  background: refused({ background: "transparent" }),
  image: {
    body: {},
    outcome: "honoured",
    check: async (answer) => expect((await inputOf(answer)).image).toEqual(expect.any(String)),
  },
  mask: {
    body: { mask: "mask" },
    outcome: "honoured",
    check: async (answer) => expect((await inputOf(answer)).mask).toEqual(expect.any(String)),
  },
};

const imageBody = { model: "sim-plain", prompt: "a lighthouse", size: "64x64" };

async function pngOf(width: number, height: number, alpha: number): Promise<Blob> {
  const data = await sharp({
    create: { width, height, channels: 4, background: { r: 90, g: 60, b: 30, alpha } },
  })
    .png()
    .toBuffer();
  return new Blob([new Uint8Array(data)], { type: "image/png" });
}

async function postEdit(fields: Record<string, unknown>): Promise<Response> {
  const form = new FormData();
  form.set("image", await pngOf(64, 64, 1), "photo.png");
  for (const [name, value] of Object.entries({ ...imageBody, ...fields })) {
    // a fully transparent mask: repaint everything
    if (name === "mask") form.set("mask", await pngOf(64, 64, 0), "mask.png");
    else form.set(name, String(value));
  }
  return gateway.api("/openai/v1/images/edits", { method: "POST", body: form });
}

describe("images: every parameter of CreateImageRequest and CreateImageEditRequest", () => {
  const generation = requestProperties("CreateImageRequest");
  const edit = requestProperties("CreateImageEditRequest");

  it("has a declared treatment for each, and for nothing else", () => {
    expect(Object.keys(IMAGE_CASES).sort()).toEqual([...new Set([...generation, ...edit])].sort());
  });

  it.each(generation)("generations: %s is honoured, refused or dropped visibly", async (param) => {
    const imageCase = IMAGE_CASES[param];
    if (!imageCase) throw new Error(`no treatment declared for ${param}`);
    await expectOutcome(param, imageCase, () =>
      postJson("/images/generations", { ...imageBody, ...imageCase.body }),
    );
  });

  it.each(edit)("edits: %s is honoured, refused or dropped visibly", async (param) => {
    const imageCase = IMAGE_CASES[param];
    if (!imageCase) throw new Error(`no treatment declared for ${param}`);
    await expectOutcome(param, imageCase, () => postEdit(imageCase.body));
  });

  it("passes a model's own parameter it takes, and names one it does not take dropped", async () => {
    await expectOutcome(
      "seed",
      {
        body: {},
        outcome: "honoured",
        check: async (a) => expect(await inputOf(a)).toMatchObject({ seed: 9 }),
      },
      () => postJson("/images/generations", { ...imageBody, seed: 9 }),
    );
    // never over what gengate made of OpenAI's size
    await expectOutcome("width", dropped({}), () =>
      postJson("/images/generations", { ...imageBody, width: 999 }),
    );
    await expectOutcome("guidance", dropped({}), () =>
      postJson("/images/generations", { ...imageBody, guidance: 3 }),
    );
  });

  it("runs n predictions for a model that makes one image a request, and cancels the rest when one fails", async () => {
    const before = await predictionCount();
    await expectOutcome(
      "n",
      {
        body: {},
        outcome: "honoured",
        check: async (answer) => {
          expect(answer.json.data).toHaveLength(2);
          const ids = (answer.json.gengate as { prediction_ids: string[] }).prediction_ids;
          expect(ids).toHaveLength(2);
          for (const id of ids) {
            const prediction = await gateway.engine.get(id);
            expect(prediction.state).toBe("succeeded");
            // each asked for one image (the schema's default, if any)
            expect(prediction.input.num_outputs ?? 1).toBe(1);
          }
        },
      },
      () => postJson("/images/generations", { ...imageBody, model: "sim-single", n: 2, seed: 9 }),
    );
    expect(await predictionCount()).toBe(before + 2);
    // each its own seed, so the images differ
    const latest = await gateway.engine.list({ limit: 2 });
    expect(latest.map((prediction) => Number(prediction.input.seed)).sort((a, b) => a - b)).toEqual([9, 10]);

    // one of n ending unsuccessfully (canceled here) fails the request, and the others are canceled
    const known = new Set((await gateway.engine.list({ limit: 1000 })).map((p) => p.id));
    const answer = postJson("/images/generations", {
      ...imageBody,
      model: "sim-single",
      n: 3,
      latency_ms: 3000,
    });
    let made: string[] = [];
    while (made.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      made = (await gateway.engine.list({ limit: 1000 })).map((p) => p.id).filter((id) => !known.has(id));
    }
    const [canceled, ...others] = made as [string, ...string[]];
    await gateway.engine.cancel(canceled);
    const failed = await answer;
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { message: `prediction ${canceled} was canceled` } });
    for (const id of others) expect((await gateway.engine.waitFor(id, 10_000)).state).toBe("canceled");
  });

  it("asks a model that takes output_format for PNG by default", async () => {
    const answer = await answerOf(
      await postJson("/images/generations", {
        ...imageBody,
        model: "sim/image",
        response_format: "b64_json",
      }),
    );
    await isFormat("png")(answer);
    expect(await inputOf(answer)).toMatchObject({ output_format: "png" });
  });
});
