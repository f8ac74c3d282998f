// @ts-check
/** One LoRA: its steps with progress, its samples, cancel and delete, and "Try it". */
import { api } from "./api.js";
import { byId, h, safeUrl } from "./dom.js";
import { progressOf } from "./format.js";
import { PredictionPanel } from "./prediction-panel.js";
import { watchPrediction } from "./prediction-stream.js";

/** @typedef {{ prompt: string, status: string, prediction_id: string, output: unknown }} Sample */
/** @typedef {{ id: string, name: string, model: string, trigger_word: string, status: string, training_id: string | null, samples: Sample[], error: string | null, photos: number }} Lora */

const POLL_MS = 1_000;
const ACTIVE = ["uploading", "creating_model", "training", "sampling"];
const STEP_DETAIL = {
  uploading: "Storing the photos where the trainer can fetch them",
  creating_model: "Creating the model that receives the trained version",
  training: "Training",
  sampling: "Making sample images with the trigger word",
  ready: "Ready to use",
  failed: "Failed",
  canceled: "Canceled",
};

const mount = byId("lora");
/** @type {Lora} */
let lora = JSON.parse(mount.dataset.lora ?? "{}");
const badge = byId("lora-status");
const detail = byId("lora-detail");
const progress = byId("training-progress", HTMLProgressElement);
const steps = byId("lora-steps", HTMLOListElement);
const errorLine = byId("lora-error");
const samples = byId("samples");
const samplesHint = byId("samples-hint");
const cancelButton = byId("cancel", HTMLButtonElement);
const deleteButton = byId("delete", HTMLButtonElement);
const actionStatus = byId("action-status");
const tryForm = byId("try-form", HTMLFormElement);
const tryPrompt = byId("try-prompt", HTMLTextAreaElement);
const tryButton = byId("try", HTMLButtonElement);
const tryError = byId("try-error");
const tryResult = byId("try-result");

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

function showSteps() {
  const order = [...steps.children].map((item) => /** @type {HTMLElement} */ (item).dataset.step);
  const reached = lora.status === "ready" ? order.length : order.indexOf(lora.status);
  for (const [index, item] of [...steps.children].entries()) {
    const state = index < reached ? "done" : index === reached ? "current" : "pending";
    item.className = `step-${state}`;
    if (state === "current") item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
  // A failed or canceled flow stops at the step it was in: the last one with a result.
  if (reached === -1) steps.lastElementChild?.classList.replace("step-pending", "step-stopped");
}

/** @param {number | undefined} percent */
function showProgress(percent) {
  progress.hidden = percent === undefined;
  if (percent !== undefined) progress.value = percent;
}

function showSamples() {
  const images = lora.samples.flatMap((sample, index) => {
    const outputs = Array.isArray(sample.output) ? sample.output : [sample.output];
    return outputs
      .map(safeUrl)
      .filter((url) => url !== undefined)
      .map((url) =>
        h(
          "figure",
          { class: "output-image" },
          h("img", { src: url, alt: `Sample ${index + 1}: ${sample.prompt}` }),
          h("figcaption", {}, sample.prompt),
        ),
      );
  });
  samples.replaceChildren(...images);
  const waiting = lora.samples.filter(
    (sample) => !["succeeded", "failed", "canceled"].includes(sample.status),
  );
  samplesHint.hidden = images.length > 0 && waiting.length === 0;
  if (waiting.length > 0)
    samplesHint.textContent = `${waiting.length} sample${waiting.length === 1 ? "" : "s"} on the way…`;
  else if (images.length === 0 && lora.status === "ready")
    samplesHint.textContent = "No samples were asked for.";
}

function show() {
  badge.textContent = lora.status.replace("_", " ");
  badge.className = `badge lora-${lora.status}`;
  detail.textContent = STEP_DETAIL[/** @type {keyof typeof STEP_DETAIL} */ (lora.status)] ?? "";
  showSteps();
  errorLine.textContent = lora.error ?? "";
  showSamples();
  const active = ACTIVE.includes(lora.status);
  cancelButton.hidden = !active;
  tryButton.disabled = lora.status !== "ready";
  if (!active) showProgress(undefined);
}

/** The training's progress from its logs (`n%|` bars, `Step n/m`). */
async function trainingProgress() {
  if (lora.status !== "training" || !lora.training_id) return undefined;
  const training = await api("/v1/trainings/{id}", { params: { id: lora.training_id } });
  return progressOf(training.logs ?? "");
}

async function follow() {
  try {
    lora = await api("/v1/loras/{id}", { params: { id: lora.id } });
    show();
    if (lora.status === "training") showProgress(await trainingProgress());
  } catch (error) {
    actionStatus.textContent = messageOf(error);
  }
  if (ACTIVE.includes(lora.status)) setTimeout(() => void follow(), POLL_MS);
}

cancelButton.addEventListener("click", async () => {
  cancelButton.disabled = true;
  try {
    lora = await api("/v1/loras/{id}/cancel", { method: "POST", params: { id: lora.id } });
    show();
    actionStatus.textContent = `LoRA ${lora.status}`;
  } catch (error) {
    actionStatus.textContent = messageOf(error);
  } finally {
    cancelButton.disabled = false;
  }
});

deleteButton.addEventListener("click", async () => {
  if (!confirm(`Delete the LoRA ${lora.name}? Its samples stay in the gallery.`)) return;
  try {
    await api("/v1/loras/{id}", { method: "DELETE", params: { id: lora.id } });
    location.assign("/loras");
  } catch (error) {
    actionStatus.textContent = messageOf(error);
  }
});

/** @type {() => void} */
let stopWatching = () => {};

tryForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  tryError.textContent = "";
  const prompt = tryPrompt.value.trim();
  if (!prompt) {
    tryError.textContent = "Prompt: write what to make.";
    return;
  }
  tryButton.disabled = true;
  try {
    const prediction = await api("/v1/predictions", {
      method: "POST",
      json: { version: lora.model, input: { prompt } },
    });
    stopWatching();
    stopWatching = watchPrediction(prediction, new PredictionPanel(tryResult, { pageLink: true }));
  } catch (error) {
    tryError.textContent = messageOf(error);
  } finally {
    tryButton.disabled = false;
  }
});

show();
if (ACTIVE.includes(lora.status)) void follow();
