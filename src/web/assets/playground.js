// @ts-check
/**
 * The playground page: model picker, schema form or raw JSON, Run (and again with the seed the
 * last run reported), live result, the same run as curl, replicate JS or openai code.
 */
import { api } from "./api.js";
import { curlCommand, openaiSnippet, replicateSnippet } from "./copy-snippets.js";
import { byId, h } from "./dom.js";
import { loadModel as loadModelInfo, runModel } from "./models.js";
import { PredictionPanel } from "./prediction-panel.js";
import { watchPrediction } from "./prediction-stream.js";
import { SchemaForm } from "./schema-form.js";

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
const sameSeedButton = byId("run-same-seed", HTMLButtonElement);
const sameSeedHint = byId("same-seed-hint");
const copyStatus = byId("copy-status");
const result = byId("result");

/** @type {SchemaForm | undefined} */
let form;
/** @type {import("./models.js").ModelInfo | undefined} */
let model;
/** @type {() => void} */
let stopWatching = () => {};
/** The seed the last run reported, with the model and input it ran. */
/** @type {{ seed: number, model: string, input: Record<string, unknown> } | undefined} */
let lastRun;

/** @param {string} ref `owner/name` or `lora:<name>` */
async function loadModel(ref) {
  model = await loadModelInfo(ref);
  description.textContent = model.description;
  form = new SchemaForm(fields, model.input, model.components);
  showSameSeed(undefined);
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

/**
 * Offers to run again with the seed a finished run reported (only for the model it ran).
 * @param {typeof lastRun} run
 */
function showSameSeed(run) {
  lastRun = run;
  sameSeedButton.hidden = run === undefined;
  sameSeedHint.hidden = run === undefined;
  sameSeedHint.textContent = run ? `Seed ${run.seed}, from the last run` : "";
}

/** @param {Record<string, unknown>} input */
async function run(input) {
  formError.textContent = "";
  runButton.disabled = true;
  sameSeedButton.disabled = true;
  try {
    const ref = modelSelect.value;
    const prediction = await runModel(ref, input);
    stopWatching();
    const mount = h("div");
    result.replaceChildren(mount);
    stopWatching = watchPrediction(prediction, new PredictionPanel(mount, { pageLink: true }), (ended) => {
      const seed = ended.gengate?.seed;
      if (typeof seed === "number" && modelSelect.value === ref) showSameSeed({ seed, model: ref, input });
    });
    // On a phone the result is below the form.
    result.scrollIntoView({ block: "nearest" });
  } catch (error) {
    showError(error);
  } finally {
    runButton.disabled = false;
    sameSeedButton.disabled = false;
  }
}

byId("run-form", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  try {
    void run(currentInput());
  } catch (error) {
    showError(error);
  }
});

sameSeedButton.addEventListener("click", () => {
  if (!lastRun) return;
  try {
    const input = { ...currentInput(), seed: lastRun.seed };
    // The form shows the seed it ran with.
    if (rawToggle.checked) rawInput.value = JSON.stringify(input, null, 2);
    else form?.write(input);
    saveDraft();
    void run(input);
  } catch (error) {
    showError(error);
  }
});

/**
 * @param {string} what
 * @param {() => string} code
 */
async function copy(what, code) {
  formError.textContent = "";
  copyStatus.textContent = "";
  try {
    await navigator.clipboard.writeText(code());
    copyStatus.textContent = `Copied the ${what}`;
  } catch (error) {
    showError(error);
  }
}

byId("copy-curl", HTMLButtonElement).addEventListener("click", () =>
  copy("curl command", () => curlCommand(location.origin, modelSelect.value, currentInput())),
);
byId("copy-replicate", HTMLButtonElement).addEventListener("click", () =>
  copy("replicate JS code", () => replicateSnippet(location.origin, modelSelect.value, currentInput())),
);
byId("copy-openai", HTMLButtonElement).addEventListener("click", () => {
  if (!model) return;
  const info = model;
  let snippet;
  try {
    snippet = openaiSnippet(location.origin, info, currentInput());
  } catch (error) {
    showError(error);
    return;
  }
  if (snippet.ok) void copy("openai code", () => snippet.code);
  else copyStatus.textContent = `Not copied: ${snippet.reason}`;
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
  const earlier = from ? await api("/v1/predictions/{id}", { params: { id: from } }) : undefined;
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
