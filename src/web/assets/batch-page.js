// @ts-check
/**
 * A batch's page: a grid of its items whose thumbnails appear as items finish (the batch's event
 * stream), counts, time left, retry the failed items, cancel, and the zip of every output.
 */
import { api, apiUrl } from "./api.js";
import { byId, h, safeUrl } from "./dom.js";
import { duration } from "./format.js";

const IMAGE_NAME = /\.(png|jpe?g|webp|gif|avif)$/i;
/** How long to wait before following again when the stream broke while the batch went on. */
const RETRY_MS = 2_000;

const id = byId("batch-id").textContent ?? "";
const statusLine = byId("batch-status");
const progress = byId("batch-progress", HTMLProgressElement);
const error = byId("batch-error");
const retry = byId("retry-failed", HTMLButtonElement);
const cancel = byId("cancel-batch", HTMLButtonElement);
const grid = byId("batch-grid", HTMLOListElement);

/** @typedef {{ index: number, model: string, status: string, prediction_id: string, error: string | null, outputs: { name: string, url: string }[], text?: string }} Item */
/** @typedef {{ id: string, status: string, created_at: string, completed_at: string | null, counts: Record<string, number>, items?: Item[] }} Batch */

/** @type {EventSource | undefined} */
let source;
let createdAt = "";

/** @param {unknown} problem */
const messageOf = (problem) => (problem instanceof Error ? problem.message : String(problem));

/** @param {Item} item */
function cell(item) {
  const name = `Item ${item.index}`;
  const first = item.outputs[0];
  const url = first ? safeUrl(first.url) : undefined;
  const picture =
    url && first && IMAGE_NAME.test(first.name)
      ? h("a", { href: url }, h("img", { src: url, alt: `${name}: ${first.name}`, loading: "lazy" }))
      : item.text !== undefined
        ? h("p", { class: "batch-text" }, item.text)
        : h("div", { class: "batch-placeholder", "aria-hidden": "true" });
  return h(
    "li",
    { class: `batch-item item-${item.status}`, "data-index": item.index },
    picture,
    h(
      "p",
      { class: "batch-caption" },
      h("a", { href: `/p/${encodeURIComponent(item.prediction_id)}` }, `#${item.index}`),
      " ",
      h("span", { class: `badge status-${item.status}` }, item.status),
    ),
    item.error ? h("p", { class: "error" }, item.error) : null,
  );
}

/** @param {Item} item */
function showItem(item) {
  const known = grid.querySelector(`li[data-index="${item.index}"]`);
  if (known) known.replaceWith(cell(item));
  else grid.append(cell(item));
}

/**
 * @param {string} status
 * @param {Record<string, number>} counts
 */
function showProgress(status, counts) {
  const total = counts.total ?? 0;
  const finished = (counts.succeeded ?? 0) + (counts.failed ?? 0) + (counts.canceled ?? 0);
  const running = (counts.starting ?? 0) + (counts.processing ?? 0);
  progress.value = total === 0 ? 0 : Math.round((100 * finished) / total);
  const parts = [
    `${finished} of ${total} finished`,
    `${counts.succeeded ?? 0} succeeded`,
    `${counts.failed ?? 0} failed`,
    `${running} running`,
    `${counts.queued ?? 0} queued`,
  ];
  if (counts.canceled) parts.push(`${counts.canceled} canceled`);
  const left = status === "processing" ? timeLeft(finished, total) : "";
  statusLine.replaceChildren(
    h("span", { class: `badge status-${status}` }, status),
    " ",
    [...parts, ...(left ? [left] : [])].join(" · "),
  );
  retry.hidden = !(counts.failed ?? 0);
  cancel.hidden = status !== "processing";
}

/**
 * "about 40 s left": the time per finished item so far, times the items still to finish.
 * @param {number} finished
 * @param {number} total
 */
function timeLeft(finished, total) {
  if (finished === 0 || finished >= total || !createdAt) return "";
  const elapsed = Date.now() - Date.parse(createdAt);
  const remaining = (elapsed / finished) * (total - finished);
  return `about ${duration(new Date(Date.now() - remaining).toISOString(), null)} left`;
}

/** @param {Batch} batch */
function showBatch(batch) {
  createdAt = batch.created_at;
  for (const item of batch.items ?? []) showItem(item);
  showProgress(batch.status, batch.counts);
}

/** Follows the batch's events until it ends; a broken stream is followed again. */
function follow() {
  source?.close();
  const events = new EventSource(apiUrl("/v1/batches/{id}/events", { params: { id } }));
  source = events;
  events.addEventListener("item", (event) => showItem(JSON.parse(event.data)));
  events.addEventListener("progress", (event) => {
    const { status, counts } = JSON.parse(event.data);
    showProgress(status, counts);
  });
  events.addEventListener("done", (event) => {
    events.close();
    const batch = JSON.parse(event.data);
    showProgress(batch.status, batch.counts);
  });
  events.addEventListener("error", () => {
    if (events.readyState !== EventSource.CLOSED || source !== events) return;
    setTimeout(() => {
      if (source === events) void load();
    }, RETRY_MS);
  });
}

async function load() {
  try {
    /** @type {Batch} */
    const batch = await api("/v1/batches/{id}", { params: { id } });
    showBatch(batch);
    if (
      batch.status === "processing" ||
      batch.counts.queued ||
      batch.counts.starting ||
      batch.counts.processing
    )
      follow();
  } catch (problem) {
    error.textContent = messageOf(problem);
  }
}

/**
 * @param {HTMLButtonElement} button
 * @param {"/v1/batches/{id}/retry" | "/v1/batches/{id}/cancel"} action
 */
function wireAction(button, action) {
  button.addEventListener("click", async () => {
    error.textContent = "";
    button.disabled = true;
    try {
      showBatch(await api(action, { method: "POST", params: { id } }));
      follow();
    } catch (problem) {
      error.textContent = messageOf(problem);
    } finally {
      button.disabled = false;
    }
  });
}

wireAction(retry, "/v1/batches/{id}/retry");
wireAction(cancel, "/v1/batches/{id}/cancel");
void load();
