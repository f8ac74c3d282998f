// @ts-check
/** LoRAs: the training form with its photo drop zone (checked before anything is sent), and the list. */
import { api, followLink } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime } from "./format.js";
import { formatBytes, photoProblems } from "./photo-check.js";

/** @typedef {{ id: string, name: string, status: string, trigger_word: string, created_at: string }} Lora */

const REFRESH_MS = 3_000;
const ACTIVE = ["uploading", "creating_model", "training", "sampling"];

const form = byId("train-form", HTMLFormElement);
/** @type {import("./photo-check.js").PhotoLimits} */
const limits = JSON.parse(form.dataset.limits ?? "{}");
const dropZone = byId("drop-zone");
const picker = byId("photos", HTMLInputElement);
const summary = byId("photo-summary");
const previews = byId("photo-previews", HTMLUListElement);
const nameInput = byId("lora-name", HTMLInputElement);
const triggerInput = byId("trigger-word", HTMLInputElement);
const samplesInput = byId("samples", HTMLInputElement);
const stepsInput = byId("steps", HTMLInputElement);
const trainError = byId("train-error");
const trainButton = byId("train", HTMLButtonElement);
const trainStatus = byId("train-status");
const body = /** @type {HTMLTableSectionElement} */ (byId("loras", HTMLTableElement).tBodies[0]);
const listStatus = byId("list-status");

/** @type {File[]} the photos that passed the checks */
let photos = [];
/** @type {string[]} object URLs of the previews, revoked when replaced */
let previewUrls = [];

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** @param {File[]} files */
async function choose(files) {
  photos = [];
  for (const url of previewUrls) URL.revokeObjectURL(url);
  previewUrls = [];
  previews.replaceChildren();
  summary.textContent = "";
  trainError.textContent = "";
  if (files.length === 0) return;
  const problems = await photoProblems(files, limits);
  if (problems.length > 0) {
    trainError.textContent = `These files cannot be used; nothing was sent.\n${problems.join("\n")}`;
    return;
  }
  photos = files;
  const size = files.reduce((sum, file) => sum + file.size, 0);
  summary.textContent = `${files.length} file${files.length === 1 ? "" : "s"} ready (${formatBytes(size)}).`;
  for (const file of files.slice(0, 12)) {
    const url = URL.createObjectURL(file);
    previewUrls.push(url);
    previews.append(h("li", {}, h("img", { src: url, alt: file.name, class: "photo-preview" })));
  }
}

picker.addEventListener("change", () => void choose([...(picker.files ?? [])]));
dropZone.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropZone.classList.add("dragging");
});
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  void choose([...(event.dataTransfer?.files ?? [])]);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  trainError.textContent = "";
  const name = nameInput.value.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) {
    trainError.textContent =
      "Name: use 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit.";
    nameInput.focus();
    return;
  }
  if (photos.length === 0) {
    trainError.textContent = `Photos: choose or drop ${limits.min_photos} to ${limits.max_photos} photos first.`;
    picker.focus();
    return;
  }
  const data = new FormData();
  data.set("name", name);
  if (triggerInput.value.trim()) data.set("trigger_word", triggerInput.value.trim());
  if (samplesInput.value) data.set("samples", samplesInput.value);
  if (stepsInput.value) data.set("params", JSON.stringify({ steps: Number(stepsInput.value) }));
  for (const photo of photos) data.append("photos", photo, photo.name);
  trainButton.disabled = true;
  trainStatus.textContent = "Uploading the photos…";
  try {
    const lora = await api("/v1/loras", { method: "POST", body: data });
    location.assign(`/loras/${encodeURIComponent(lora.id)}`);
  } catch (error) {
    trainError.textContent = messageOf(error);
    trainStatus.textContent = "";
    trainButton.disabled = false;
  }
});

/** @param {Lora} lora */
function row(lora) {
  const active = ACTIVE.includes(lora.status);
  const act = (/** @type {string} */ label, /** @type {() => Promise<unknown>} */ work) =>
    h(
      "button",
      {
        type: "button",
        class: "quiet",
        "aria-label": `${label} ${lora.name}`,
        onclick: async () => {
          try {
            await work();
            await refresh();
          } catch (error) {
            listStatus.textContent = messageOf(error);
          }
        },
      },
      label,
    );
  const params = { id: lora.id };
  return h(
    "tr",
    { "data-id": lora.id },
    h("td", {}, h("a", { href: `/loras/${encodeURIComponent(lora.id)}` }, lora.name)),
    h("td", {}, h("span", { class: `badge lora-${lora.status}` }, lora.status.replace("_", " "))),
    h("td", {}, h("code", {}, lora.trigger_word)),
    h("td", {}, h("time", { datetime: lora.created_at }, dateTime(lora.created_at))),
    h(
      "td",
      { class: "row-actions" },
      active && act("Cancel", () => api("/v1/loras/{id}/cancel", { method: "POST", params })),
      act("Delete", async () => {
        if (confirm(`Delete the LoRA ${lora.name}? Its samples stay in the gallery.`)) {
          await api("/v1/loras/{id}", { method: "DELETE", params });
        }
      }),
    ),
  );
}

async function refresh() {
  /** @type {Lora[]} */
  const loras = [];
  for (let page = await api("/v1/loras"); ; page = await followLink(page.next)) {
    loras.push(...page.results);
    if (!page.next) break;
  }
  body.replaceChildren(...loras.map(row));
  const text = loras.length === 0 ? "No LoRAs yet." : `${loras.length} LoRA${loras.length === 1 ? "" : "s"}.`;
  if (listStatus.textContent !== text) listStatus.textContent = text;
  return loras.some((lora) => ACTIVE.includes(lora.status));
}

/** Refreshes the list while one of the LoRAs is still in its flow. */
async function keepLive() {
  let active = true;
  try {
    active = await refresh();
  } catch (error) {
    listStatus.textContent = messageOf(error);
  }
  if (active) setTimeout(() => void keepLive(), REFRESH_MS);
}

void keepLive();
