// @ts-check
/** The predictions list: a page of the API's list for the filters in the URL, "Load more", live refresh. */
import { ApiError, api, apiPathOf } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime, duration, promptOf } from "./format.js";

const REFRESH_MS = 3_000;

const body = /** @type {HTMLTableSectionElement} */ (byId("predictions", HTMLTableElement).tBodies[0]);
const loadMore = byId("load-more", HTMLButtonElement);
const live = byId("live", HTMLInputElement);
const listStatus = byId("list-status");

const query = new URLSearchParams(location.search);
const searchedId = query.get("id")?.trim() ?? "";
const filters = new URLSearchParams();
for (const name of ["status", "model"]) {
  const value = query.get(name);
  if (value) filters.set(name, value);
}
const firstPage = `/v1/predictions${filters.size > 0 ? `?${filters}` : ""}`;
/** @type {string | null} */
let next = null;

/** @param {import("./prediction-panel.js").Prediction} prediction */
function row(prediction) {
  const href = `/p/${encodeURIComponent(prediction.id)}`;
  return h(
    "tr",
    { "data-id": prediction.id },
    h("td", {}, h("a", { href }, h("code", {}, prediction.id))),
    h("td", {}, prediction.model),
    h("td", {}, h("span", { class: `badge status-${prediction.status}` }, prediction.status)),
    h("td", { class: "prompt" }, promptOf(prediction.input)),
    h("td", {}, h("time", { datetime: prediction.created_at }, dateTime(prediction.created_at))),
    h("td", {}, duration(prediction.started_at, prediction.completed_at)),
  );
}

/** @param {string} text */
function say(text) {
  if (listStatus.textContent !== text) listStatus.textContent = text;
}

function sayCount() {
  const count = body.rows.length;
  say(count === 0 ? "No predictions match." : `${count} prediction${count === 1 ? "" : "s"} shown.`);
}

/**
 * Puts each prediction in the table: a new one above the others (newest first), a known one in place.
 * @param {import("./prediction-panel.js").Prediction[]} predictions
 * @param {"top" | "bottom"} where
 */
function merge(predictions, where) {
  const fresh = [];
  for (const prediction of predictions) {
    const known = body.querySelector(`tr[data-id="${CSS.escape(prediction.id)}"]`);
    if (known) known.replaceWith(row(prediction));
    else fresh.push(row(prediction));
  }
  if (where === "top") body.prepend(...fresh);
  else body.append(...fresh);
  sayCount();
}

/** @param {string} path */
async function loadPage(path, where = /** @type {"top" | "bottom"} */ ("bottom")) {
  const page = await api(path);
  merge(page.results, where);
  return page.next;
}

async function refresh() {
  if (!live.checked || document.hidden) return;
  if (searchedId) await search();
  else {
    const page = await api(firstPage);
    merge(page.results, "top");
  }
}

async function search() {
  try {
    const prediction = await api(`/v1/predictions/${encodeURIComponent(searchedId)}`);
    merge([prediction], "top");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    say(`No prediction ${searchedId} is yours to see.`);
  }
}

loadMore.addEventListener("click", async () => {
  if (!next) return;
  loadMore.disabled = true;
  try {
    next = await loadPage(apiPathOf(next));
    loadMore.hidden = !next;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  } finally {
    loadMore.disabled = false;
  }
});

async function start() {
  if (searchedId) await search();
  else {
    next = await loadPage(firstPage);
    loadMore.hidden = !next;
  }
  setInterval(
    () => refresh().catch((error) => say(error instanceof Error ? error.message : String(error))),
    REFRESH_MS,
  );
}

start().catch((error) => say(error instanceof Error ? error.message : String(error)));
