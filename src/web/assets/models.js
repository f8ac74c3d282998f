// @ts-check
/**
 * What the pages need of a model they run: its input schema and what it makes (from
 * `GET /v1/models/{owner}/{name}`; a LoRA's from its trained version), and how to run it
 * (`lora:<name>` is run as a version with `POST /v1/predictions`).
 */
import { api } from "./api.js";

/** @typedef {import("./schema-form.js").ObjectSchema} ObjectSchema */
/** @typedef {import("./schema-form.js").PropertySchema} PropertySchema */
/**
 * @typedef {{ ref: string, description: string, input: ObjectSchema & { properties?: Record<string, PropertySchema> },
 *   components: Record<string, PropertySchema>, kind: "image" | "text" | "other", described: boolean }} ModelInfo
 */

/** A model with no published schema (an alias whose first target cannot be asked): a prompt and JSON. */
const PROMPT_ONLY = {
  required: ["prompt"],
  properties: {
    prompt: {
      type: "string",
      title: "Prompt",
      description:
        "This model publishes no input schema: it takes gengate's normalised parameters (prompt, aspect_ratio, num_outputs, seed…); add the others as JSON.",
    },
  },
};

/** @param {string} ref */
export const isLora = (ref) => ref.startsWith("lora:");

/** The path parameters of a model. @param {string} ref `owner/name` */
const modelParams = (ref) => {
  const [owner = "", name = ""] = ref.split(":")[0]?.split("/") ?? [];
  return { owner, name };
};

/**
 * @param {string} ref `owner/name` or `lora:<name>`
 * @returns {Promise<ModelInfo>}
 */
export async function loadModel(ref) {
  let params = modelParams(ref);
  let description = "";
  if (isLora(ref)) {
    const lora = await api("/v1/loras/{id}", { params: { id: ref.slice("lora:".length) } });
    description = `Your LoRA, trained on ${lora.photos} photos; the prompt gets its trigger word ${lora.trigger_word}.`;
    params = modelParams(lora.version ?? "");
  }
  const model = await api("/v1/models/{owner}/{name}", { params });
  const version = model.latest_version;
  const schemas = version?.openapi_schema?.components?.schemas ?? {};
  return {
    ref,
    description: description || (model.description ?? ""),
    input: schemas.Input ?? PROMPT_ONLY,
    components: schemas,
    kind: version ? kindOf(schemas.Output) : aliasKind(model),
    described: Boolean(schemas.Input),
  };
}

/**
 * What a model makes, by its output schema: text streams as a concatenated list of strings.
 * @param {any} output
 * @returns {ModelInfo["kind"]}
 */
function kindOf(output) {
  if (output?.["x-cog-array-display"] === "concatenate" || output?.type === "string") return "text";
  const item = output?.type === "array" ? output.items : output;
  return item?.format === "uri" ? "image" : "other";
}

/**
 * What an alias without a schema makes: text when its first target streams.
 * @param {any} alias
 * @returns {ModelInfo["kind"]}
 */
const aliasKind = (alias) => (alias.gengate?.targets?.[0]?.capabilities?.streaming ? "text" : "image");

/**
 * Creates a prediction of `ref` with `input`.
 * @param {string} ref
 * @param {Record<string, unknown>} input
 * @returns {Promise<import("./prediction-panel.js").Prediction>}
 */
export function runModel(ref, input) {
  return isLora(ref)
    ? api("/v1/predictions", { method: "POST", json: { version: ref, input } })
    : api("/v1/models/{owner}/{name}/predictions", {
        method: "POST",
        params: modelParams(ref),
        json: { input },
      });
}
