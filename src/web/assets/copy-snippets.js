// @ts-check
/**
 * The same run as code, for the user's own token (`$GENGATE_TOKEN`, never the session's): curl,
 * the `replicate` JavaScript client, and the `openai` client when the input fits OpenAI's image or
 * chat endpoint.
 */
import { isLora } from "./models.js";

/** @typedef {import("./models.js").ModelInfo} ModelInfo */

/** @param {string} text */
const shellQuote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/** @param {unknown} value */
const js = (value) => JSON.stringify(value, null, 2);

/**
 * @param {string} origin where gengate is reached, e.g. http://localhost:8080
 * @param {string} model `owner/name` or `lora:<name>`
 * @param {Record<string, unknown>} input
 */
export function curlCommand(origin, model, input) {
  const [path, body] = isLora(model)
    ? ["/v1/predictions", { version: model, input }]
    : [`/v1/models/${model}/predictions`, { input }];
  return [
    `curl -s ${shellQuote(`${origin}${path}`)} \\`,
    `  -H "Authorization: Bearer $GENGATE_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -H "Prefer: wait" \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join("\n");
}

/**
 * A script for Node with the `replicate` package pointed at gengate.
 * @param {string} origin
 * @param {string} model
 * @param {Record<string, unknown>} input
 */
export function replicateSnippet(origin, model, input) {
  const client = [
    `import Replicate from "replicate";`,
    ``,
    `const replicate = new Replicate({`,
    `  auth: process.env.GENGATE_TOKEN,`,
    `  baseUrl: ${js(`${origin}/v1`)},`,
    `  useFileOutput: false,`,
    `});`,
  ];
  // `run` takes `owner/name[:version]` only: a LoRA runs as a version.
  const run = isLora(model)
    ? [
        `let prediction = await replicate.predictions.create({ version: ${js(model)}, input: ${js(input)} });`,
        `prediction = await replicate.wait(prediction);`,
        `console.log(prediction.output);`,
      ]
    : [`const output = await replicate.run(${js(model)}, { input: ${js(input)} });`, `console.log(output);`];
  return [...client, ...run].join("\n");
}

/** @typedef {{ ok: true, code: string } | { ok: false, reason: string }} Snippet */

/**
 * A script for Node with the `openai` package pointed at gengate, when OpenAI's API can say the
 * whole input: fields left at the model's default are not sent, the others must have a field there.
 * @param {string} origin
 * @param {ModelInfo} model
 * @param {Record<string, unknown>} input
 * @returns {Snippet}
 */
export function openaiSnippet(origin, model, input) {
  if (model.kind === "other")
    return { ok: false, reason: `${model.ref} makes neither images nor text, which OpenAI's API is for` };
  const changed = Object.fromEntries(
    Object.entries(input).filter(
      ([name, value]) => !sameValue(value, model.input.properties?.[name]?.default),
    ),
  );
  const name = model.ref.startsWith("gengate/") ? model.ref.slice("gengate/".length) : model.ref;
  const plan = model.kind === "text" ? chatRequest(name, changed) : imageRequest(name, changed);
  if (plan.unsent.length > 0) {
    const endpoint = model.kind === "text" ? "chat completions" : "image generation";
    return {
      ok: false,
      reason: `OpenAI's ${endpoint} has no field for ${plan.unsent.join(", ")}: use curl or the replicate client`,
    };
  }
  const call =
    model.kind === "text"
      ? [
          `const completion = await openai.chat.completions.create(${js(plan.body)});`,
          `console.log(completion.choices[0].message.content);`,
        ]
      : [
          `const result = await openai.images.generate(${js(plan.body)});`,
          `console.log(result.data.map((image) => image.url));`,
        ];
  const code = [
    `import OpenAI from "openai";`,
    ``,
    `const openai = new OpenAI({ apiKey: process.env.GENGATE_TOKEN, baseURL: ${js(`${origin}/openai/v1`)} });`,
    ...call,
  ].join("\n");
  return { ok: true, code };
}

/**
 * @param {unknown} a
 * @param {unknown} b
 */
const sameValue = (a, b) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * @param {string} model
 * @param {Record<string, unknown>} input
 */
function imageRequest(model, input) {
  const { prompt, num_outputs: n, width, height, output_format: format, ...rest } = input;
  /** @type {Record<string, unknown>} */
  const body = { model, prompt };
  const unsent = Object.keys(rest);
  if (typeof prompt !== "string") unsent.push("a prompt");
  if (n !== undefined) body.n = n;
  if (width !== undefined || height !== undefined) {
    if (width !== undefined && height !== undefined) body.size = `${width}x${height}`;
    else unsent.push(width !== undefined ? "width without height" : "height without width");
  }
  if (format !== undefined) {
    const named = format === "jpg" ? "jpeg" : format;
    if (typeof named === "string" && ["png", "jpeg", "webp"].includes(named)) body.output_format = named;
    else unsent.push(`output_format ${String(format)}`);
  }
  return { body, unsent };
}

/** The chat fields gengate maps to a text model's input (src/api/openai/chat-request.ts). */
const SAMPLING = ["temperature", "top_p", "seed", "stop"];

/**
 * @param {string} model
 * @param {Record<string, unknown>} input
 */
function chatRequest(model, input) {
  const { prompt, system_prompt: system, max_tokens: max, max_new_tokens: maxNew, ...rest } = input;
  const messages = [
    ...(typeof system === "string" ? [{ role: "system", content: system }] : []),
    { role: "user", content: prompt },
  ];
  /** @type {Record<string, unknown>} */
  const body = { model, messages };
  const unsent = Object.keys(rest).filter((name) => !SAMPLING.includes(name));
  if (typeof prompt !== "string") unsent.push("a prompt");
  if (max !== undefined || maxNew !== undefined) body.max_tokens = max ?? maxNew;
  for (const name of SAMPLING) if (rest[name] !== undefined) body[name] = rest[name];
  return { body, unsent };
}
