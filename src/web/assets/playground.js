// @ts-check
/** The playground page: model picker, schema form or raw JSON, Run, live result, Copy as curl. */
import { api } from "./api.js";
import { curlCommand } from "./curl.js";
import { byId, h } from "./dom.js";
import { PredictionPanel } from "./prediction-panel.js";
import { watchPrediction } from "./prediction-stream.js";
import { SchemaForm } from "./schema-form.js";

/** Aliases publish no schema: they take gengate's normalised parameters, the prompt first. */
const ALIAS_SCHEMA = {
  required: ["prompt"],
  properties: {
    prompt: {
      type: "string",
      title: "Prompt",
      description:
        "An alias takes gengate's normalised parameters (prompt, aspect_ratio, num_outputs, seed…): add the others as JSON.",
    },
  },
};

/** The form as last edited (model, input, JSON or not): kept across visits and a sign-in. */
const DRAFT = "gengate.playground.draft";

const modelSelect = byId("model", HTMLSelectElement);
const description = byId("model-description");
const fields = byId("input-fields", HTMLFieldSetElement);
const rawToggle = byId("raw-json", HTMLInputElement);
const rawEditor = byId("raw-editor");
const rawInput = byId("input-json", HTMLTextAreaElement);
const formError = byId("form-error");
const runButton = byId("run", HTMLButtonElement);
const copyStatus = byId("copy-status");
const result = byId("result");

/** @type {SchemaForm | undefined} */
let form;
/** @type {() => void} */
let stopWatching = () => {};

/** @param {string} ref `owner/name` */
async function loadModel(ref) {
  const [owner = "", name = ""] = ref.split("/");
  const model = await api(`/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`);
  description.textContent = model.description ?? "";
  const schemas = model.latest_version?.openapi_schema?.components?.schemas ?? {};
  form = new SchemaForm(fields, schemas.Input ?? ALIAS_SCHEMA, schemas);
  const query = new URLSearchParams(location.search);
  query.set("model", ref);
  query.delete("from");
  history.replaceState(null, "", `?${query}`);
}

/** The input to run: from the JSON editor when it is on, else from the form. */
function currentInput() {
  return rawToggle.checked ? rawJsonInput() : (form?.read() ?? {});
}

/** @returns {Record<string, unknown>} */
function rawJsonInput() {
  let value;
  try {
    value = JSON.parse(rawInput.value || "{}");
  } catch (error) {
    throw new Error(`Input JSON is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("Input JSON must be an object");
  return value;
}

/** @param {boolean} raw */
function showRawEditor(raw) {
  rawToggle.checked = raw;
  rawEditor.hidden = !raw;
  fields.hidden = raw;
}

/** @param {unknown} error */
function showError(error) {
  formError.textContent = error instanceof Error ? error.message : String(error);
}

rawToggle.addEventListener("change", () => {
  formError.textContent = "";
  if (rawToggle.checked) {
    try {
      rawInput.value = JSON.stringify(form?.read() ?? {}, null, 2);
    } catch (error) {
      showError(error);
    }
    showRawEditor(true);
    return;
  }
  try {
    const extra = form?.write(rawJsonInput()) ?? [];
    if (extra.length > 0)
      throw new Error(`The form has no field for ${extra.join(", ")}; keep editing as JSON`);
    showRawEditor(false);
  } catch (error) {
    showError(error);
    showRawEditor(true);
  }
});

/** @typedef {{ model: string, raw: boolean, json: string, input?: Record<string, unknown> }} Draft */

function saveDraft() {
  /** @type {Draft} */
  const draft = { model: modelSelect.value, raw: rawToggle.checked, json: rawInput.value };
  try {
    if (!draft.raw) draft.input = form?.read();
  } catch {
    return; // a field holds something unreadable for now (half a number): keep the last draft
  }
  localStorage.setItem(DRAFT, JSON.stringify(draft));
}

/** @returns {Draft | undefined} */
function savedDraft() {
  try {
    return JSON.parse(localStorage.getItem(DRAFT) ?? "null") ?? undefined;
  } catch {
    return undefined;
  }
}

byId("run-form", HTMLFormElement).addEventListener("input", saveDraft);
byId("run-form", HTMLFormElement).addEventListener("change", saveDraft);

modelSelect.addEventListener("change", () => {
  formError.textContent = "";
  loadModel(modelSelect.value).then(saveDraft, showError);
});

byId("run-form", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  formError.textContent = "";
  runButton.disabled = true;
  try {
    const input = currentInput();
    const [owner = "", name = ""] = modelSelect.value.split("/");
    const path = `/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`;
    const prediction = await api(path, { method: "POST", json: { input } });
    stopWatching();
    const mount = h("div");
    result.replaceChildren(mount);
    stopWatching = watchPrediction(prediction, new PredictionPanel(mount, { pageLink: true }));
    // On a phone the result is below the form.
    result.scrollIntoView({ block: "nearest" });
  } catch (error) {
    showError(error);
  } finally {
    runButton.disabled = false;
  }
});

byId("copy-curl", HTMLButtonElement).addEventListener("click", async () => {
  formError.textContent = "";
  try {
    await navigator.clipboard.writeText(curlCommand(location.origin, modelSelect.value, currentInput()));
    copyStatus.textContent = "Copied the curl command";
  } catch (error) {
    showError(error);
  }
});

/**
 * What the form starts with: `?from=<id>`, an earlier prediction ("Load into playground"); else
 * the draft, unless `?model=` asks for another model.
 */
async function start() {
  const query = new URLSearchParams(location.search);
  const from = query.get("from");
  const known = (/** @type {string} */ ref) =>
    [...modelSelect.options].some((option) => option.value === ref);
  const earlier = from ? await api(`/v1/predictions/${encodeURIComponent(from)}`) : undefined;
  const draft = savedDraft();
  const useDraft =
    !earlier &&
    draft !== undefined &&
    known(draft.model) &&
    (query.get("model") ?? draft.model) === draft.model;
  if (earlier && !known(earlier.model))
    modelSelect.append(h("option", { value: earlier.model }, earlier.model));
  if (earlier) modelSelect.value = earlier.model;
  else if (useDraft) modelSelect.value = draft.model;
  await loadModel(modelSelect.value);
  if (useDraft && draft.raw) {
    rawInput.value = draft.json;
    showRawEditor(true);
  } else if (useDraft) form?.write(draft.input ?? {});
  if (!earlier) return;
  const extra = form?.write(earlier.input) ?? [];
  if (extra.length > 0) {
    rawInput.value = JSON.stringify(earlier.input, null, 2);
    showRawEditor(true);
  }
}

start().catch(showError);
