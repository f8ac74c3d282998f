// @ts-check
/**
 * The batches page: a dropped batch file is read by the API (`POST /v1/batches/parse`, the rules
 * of `gengate batch`), its items shown, then started with the model and shared parameters chosen
 * here; below, the user's batches.
 */
import { api } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime, promptOf } from "./format.js";

/** The API's JSON body limit is larger; a file this big is surely not a batch file. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const FILE_NAME = /\.(csv|json|jsonl|txt)$/i;
const PREVIEW_ITEMS = 5;

const form = byId("batch-form", HTMLFormElement);
const picker = byId("batch-file", HTMLInputElement);
const drop = byId("batch-drop");
const fileStatus = byId("batch-file-status");
const preview = byId("batch-preview", HTMLOListElement);
const modelSelect = byId("batch-model", HTMLSelectElement);
const concurrency = byId("batch-concurrency", HTMLInputElement);
const sharedInput = byId("batch-input", HTMLTextAreaElement);
const error = byId("batch-error");
const start = byId("start-batch", HTMLButtonElement);

/** @typedef {{ model?: string, input: Record<string, unknown>, output_path?: string, metadata?: Record<string, unknown> }} Item */
/** @typedef {{ items: Item[], model?: string, input?: Record<string, unknown>, name_template?: string, concurrency?: number }} BatchFile */

/** @type {BatchFile | undefined} */
let batchFile;

/** @param {unknown} problem */
const messageOf = (problem) => (problem instanceof Error ? problem.message : String(problem));

/** @param {File | undefined} file */
async function read(file) {
  if (!file) return;
  error.textContent = "";
  batchFile = undefined;
  start.disabled = true;
  preview.hidden = true;
  fileStatus.textContent = "";
  if (!FILE_NAME.test(file.name)) {
    error.textContent = `"${file.name}" is not a batch file: use a .csv, .json, .jsonl or .txt file.`;
    return;
  }
  if (file.size > MAX_FILE_BYTES) {
    error.textContent = `"${file.name}" is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB: split it into several batches.`;
    return;
  }
  fileStatus.textContent = `Reading ${file.name}…`;
  try {
    batchFile = /** @type {BatchFile} */ (
      await api("/v1/batches/parse", { method: "POST", json: { name: file.name, text: await file.text() } })
    );
  } catch (problem) {
    fileStatus.textContent = "";
    error.textContent = messageOf(problem);
    return;
  }
  const count = batchFile.items.length;
  fileStatus.textContent = `${count} item${count === 1 ? "" : "s"} in ${file.name}.`;
  preview.replaceChildren(
    ...batchFile.items.slice(0, PREVIEW_ITEMS).map((item) => h("li", {}, itemText(item))),
    ...(count > PREVIEW_ITEMS ? [h("li", { class: "hint" }, `and ${count - PREVIEW_ITEMS} more`)] : []),
  );
  preview.hidden = false;
  if (batchFile.model) selectModel(batchFile.model);
  if (batchFile.input) sharedInput.value = JSON.stringify(batchFile.input);
  if (batchFile.concurrency) concurrency.value = String(batchFile.concurrency);
  start.disabled = false;
}

/** @param {Item} item */
const itemText = (item) =>
  [item.model, promptOf(item.input, 120) || JSON.stringify(item.input)].filter(Boolean).join(": ");

/** @param {string} model */
function selectModel(model) {
  if (![...modelSelect.options].some((option) => option.value === model))
    modelSelect.append(h("option", { value: model }, model));
  modelSelect.value = model;
}

/** The shared parameters: an object of JSON, or nothing. */
function sharedParameters() {
  const text = sharedInput.value.trim();
  if (text === "") return undefined;
  let value;
  try {
    value = JSON.parse(text);
  } catch (problem) {
    throw new Error(`Parameters for every item: not valid JSON (${messageOf(problem)})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("Parameters for every item: must be a JSON object");
  return value;
}

picker.addEventListener("change", () => {
  void read(picker.files?.[0]);
  picker.value = "";
});
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("dragging");
});
drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("dragging");
  void read(event.dataTransfer?.files[0]);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!batchFile) return;
  error.textContent = "";
  start.disabled = true;
  try {
    const input = sharedParameters();
    const cap = concurrency.value.trim();
    if (cap !== "" && !(Number.isInteger(Number(cap)) && Number(cap) >= 1))
      throw new Error("Concurrency: must be a whole number, 1 or more");
    const batch = await api("/v1/batches", {
      method: "POST",
      json: {
        items: batchFile.items,
        model: modelSelect.value,
        ...(input && { input }),
        ...(cap !== "" && { concurrency: Number(cap) }),
        ...(batchFile.name_template && { name_template: batchFile.name_template }),
      },
    });
    location.assign(`/batches/${encodeURIComponent(batch.id)}`);
  } catch (problem) {
    error.textContent = messageOf(problem);
    start.disabled = false;
  }
});

/** @typedef {{ id: string, status: string, created_at: string, counts: Record<string, number> }} BatchSummary */

async function listBatches() {
  const listStatus = byId("batch-list-status");
  const body = /** @type {HTMLTableSectionElement} */ (byId("batches", HTMLTableElement).tBodies[0]);
  try {
    const page = await api("/v1/batches");
    /** @type {BatchSummary[]} */
    const batches = page.results;
    body.replaceChildren(
      ...batches.map((batch) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `/batches/${encodeURIComponent(batch.id)}` }, h("code", {}, batch.id))),
          h("td", {}, h("span", { class: `badge status-${batch.status}` }, batch.status)),
          h("td", {}, `${batch.counts.succeeded ?? 0} of ${batch.counts.total ?? 0} succeeded`),
          h("td", {}, h("time", { datetime: batch.created_at }, dateTime(batch.created_at))),
        ),
      ),
    );
    listStatus.textContent = batches.length === 0 ? "No batches yet." : "";
  } catch (problem) {
    listStatus.textContent = messageOf(problem);
  }
}

void listBatches();
