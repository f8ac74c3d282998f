// @ts-check
/**
 * The predictions list: a page of the API's list for the filters in the URL, "Load more", live
 * refresh; the bulk actions on what the filters select.
 */
import { ApiError, api, followLink } from "./api.js";
import { confirmBulk } from "./bulk-actions.js";
import { byId, h } from "./dom.js";
import { dateTime, duration, promptOf } from "./format.js";

const REFRESH_MS = 3_000;
/** The most predictions one bulk action takes (the API's limit). */
const BULK_LIMIT = 1000;

const body = /** @type {HTMLTableSectionElement} */ (byId("predictions", HTMLTableElement).tBodies[0]);
const loadMore = byId("load-more", HTMLButtonElement);
const live = byId("live", HTMLInputElement);
const listStatus = byId("list-status");

const query = new URLSearchParams(location.search);
const searchedId = query.get("id")?.trim() ?? "";

/**
 * The API's filters for the page's: the same names, but the time range as instants (the page's
 * inputs hold local times).
 * @type {Record<string, string>}
 */
const filters = {};
for (const name of ["status", "model", "provider", "token", "q"]) {
  const value = query.get(name)?.trim();
  if (value) filters[name] = value;
}
for (const [name, apiName] of [
  ["from", "created_after"],
  ["to", "created_before"],
]) {
  const value = query.get(name ?? "");
  const time = value ? new Date(value) : undefined;
  if (time && !Number.isNaN(time.getTime())) filters[apiName ?? ""] = time.toISOString();
}
const oldestFirst = query.get("sort") === "oldest";
const listQuery = new URLSearchParams({ ...filters, ...(oldestFirst && { sort: "oldest" }) });
const firstPage = () => api("/v1/predictions", { query: listQuery });
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
    h("td", { class: "prompt" }, prediction.data_removed ? "(data removed)" : promptOf(prediction.input)),
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
 * Puts each prediction in the table: a known one in place, a new one above the others (newest
 * first), below them, or not at all (a refresh of a list oldest first: new ones come last, with
 * "Load more").
 * @param {import("./prediction-panel.js").Prediction[]} predictions
 * @param {"top" | "bottom" | "known"} where
 */
function merge(predictions, where) {
  const fresh = [];
  for (const prediction of predictions) {
    const known = body.querySelector(`tr[data-id="${CSS.escape(prediction.id)}"]`);
    if (known) known.replaceWith(row(prediction));
    else fresh.push(row(prediction));
  }
  if (where === "top") body.prepend(...fresh);
  else if (where === "bottom") body.append(...fresh);
  sayCount();
}

/** @param {() => Promise<any>} read */
async function loadPage(read, where = /** @type {"top" | "bottom"} */ ("bottom")) {
  const page = await read();
  merge(page.results, where);
  return page.next;
}

async function refresh() {
  if (!live.checked || document.hidden) return;
  if (searchedId) await search();
  else {
    const page = await firstPage();
    merge(page.results, oldestFirst ? "known" : "top");
  }
}

/** Empties the table and loads the first page again (after a bulk action changed what it shows). */
async function reload() {
  body.replaceChildren();
  next = await loadPage(firstPage);
  loadMore.hidden = !next;
}

async function search() {
  try {
    const prediction = await api("/v1/predictions/{id}", { params: { id: searchedId } });
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
    const link = next;
    next = await loadPage(() => followLink(link));
    loadMore.hidden = !next;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  } finally {
    loadMore.disabled = false;
  }
});

/**
 * Runs a bulk action on the predictions the filters select: asks the API which (a dry run), asks the
 * person to confirm their number, then acts on exactly those.
 * @param {"bulk-cancel" | "bulk-rerun"} action
 * @param {HTMLButtonElement} button
 */
async function bulk(action, button) {
  button.disabled = true;
  try {
    /** @type {"/v1/predictions/bulk-cancel" | "/v1/predictions/bulk-rerun"} */
    const path = `/v1/predictions/${action}`;
    const preview = await api(path, {
      method: "POST",
      json: { ...filters, dry_run: true, limit: BULK_LIMIT },
    });
    const count = preview.selected;
    if (count === 0) {
      say(action === "bulk-cancel" ? "No queued or running predictions match." : "No predictions match.");
      return;
    }
    const noun = `${count} prediction${count === 1 ? "" : "s"}`;
    const more = preview.more ? ` (the oldest ${count}; more match)` : "";
    const verb = action === "bulk-cancel" ? "Cancel" : "Re-run";
    if (!(await confirmBulk(`${verb} ${noun}${more}?`))) return;
    const ids = preview.results.map((/** @type {{ id: string }} */ item) => item.id);
    const done = await api(path, { method: "POST", json: { ids, limit: BULK_LIMIT } });
    await reload();
    const failed = done.failed > 0 ? `; ${done.failed} could not be` : "";
    say(`${action === "bulk-cancel" ? "Canceled" : "Re-ran"} ${done.done} of ${noun}${failed}.`);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  } finally {
    button.disabled = false;
  }
}

const bulkCancel = byId("bulk-cancel", HTMLButtonElement);
const bulkRerun = byId("bulk-rerun", HTMLButtonElement);
bulkCancel.addEventListener("click", () => bulk("bulk-cancel", bulkCancel));
bulkRerun.addEventListener("click", () => bulk("bulk-rerun", bulkRerun));

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
