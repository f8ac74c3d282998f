// @ts-check
/** The compare page: the same input on two to four models, each column live on its own. */
import { byId, h } from "./dom.js";
import { runModel } from "./models.js";
import { PredictionPanel } from "./prediction-panel.js";
import { watchPrediction } from "./prediction-stream.js";

const MAX_MODELS = 4;
const MIN_MODELS = 2;

const form = byId("compare-form", HTMLFormElement);
const models = byId("compare-models", HTMLFieldSetElement);
const addButton = byId("add-model", HTMLButtonElement);
const removeButton = byId("remove-model", HTMLButtonElement);
const prompt = byId("compare-prompt", HTMLTextAreaElement);
const extra = byId("compare-json", HTMLTextAreaElement);
const formError = byId("compare-error");
const results = byId("compare-results");

/** @type {Array<() => void>} */
let stops = [];

const pickers = () => [...models.querySelectorAll("select")];

function showButtons() {
  const count = pickers().length;
  addButton.hidden = count >= MAX_MODELS;
  removeButton.hidden = count <= MIN_MODELS;
}

addButton.addEventListener("click", () => {
  const count = pickers().length;
  const template = pickers()[0];
  if (!template || count >= MAX_MODELS) return;
  const index = count + 1;
  const select = /** @type {HTMLSelectElement} */ (template.cloneNode(true));
  select.id = `model-${index}`;
  select.selectedIndex = Math.min(count, select.options.length - 1);
  models.append(
    h("div", { class: "field compare-model" }, h("label", { for: select.id }, `Model ${index}`), select),
  );
  showButtons();
  select.focus();
});

removeButton.addEventListener("click", () => {
  if (pickers().length <= MIN_MODELS) return;
  models.querySelector(".compare-model:last-of-type")?.remove();
  showButtons();
  addButton.focus();
});

/** @returns {Record<string, unknown>} */
function input() {
  /** @type {unknown} */
  let more = {};
  if (extra.value.trim() !== "") {
    try {
      more = JSON.parse(extra.value);
    } catch (error) {
      throw new Error(
        `More input as JSON is not valid: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (typeof more !== "object" || more === null || Array.isArray(more))
    throw new Error("More input as JSON must be an object");
  if (prompt.value.trim() === "") throw new Error("Prompt: write what the models should make");
  return { ...more, prompt: prompt.value };
}

/**
 * One model's column: its name, then its prediction (or why it could not start).
 * @param {string} ref
 * @param {number} index
 * @param {Record<string, unknown>} values
 */
async function runColumn(ref, index, values) {
  const headingId = `column-${index}`;
  const mount = h("div");
  const column = h(
    "section",
    { class: "panel compare-column", "aria-labelledby": headingId },
    h("h2", { id: headingId }, ref),
    mount,
  );
  results.append(column);
  try {
    const prediction = await runModel(ref, values);
    stops.push(watchPrediction(prediction, new PredictionPanel(mount, { pageLink: true })));
  } catch (error) {
    mount.replaceChildren(
      h("p", { class: "error", role: "alert" }, error instanceof Error ? error.message : String(error)),
    );
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  formError.textContent = "";
  let values;
  try {
    values = input();
  } catch (error) {
    formError.textContent = error instanceof Error ? error.message : String(error);
    return;
  }
  for (const stop of stops) stop();
  stops = [];
  results.replaceChildren();
  results.className = `compare-results columns-${pickers().length}`;
  pickers().forEach((select, index) => void runColumn(select.value, index + 1, values));
});

showButtons();
