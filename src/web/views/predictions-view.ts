/**
 * The predictions list: status tabs, filters that combine, the table the script fills and keeps
 * live, and the bulk actions on what the filters select (each confirmed in a dialog).
 */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

export const FILTER_NAMES = [
  "status",
  "model",
  "id",
  "provider",
  "token",
  "q",
  "from",
  "to",
  "sort",
] as const;

/** The list's filters as the page's query string holds them (the script turns them into the API's). */
export type ListFilters = Record<(typeof FILTER_NAMES)[number], string>;

/** The filters in a query string, each trimmed, "" when absent. */
export function listFiltersOf(query: (name: string) => string | undefined): ListFilters {
  const filters = {} as ListFilters;
  for (const name of FILTER_NAMES) filters[name] = query(name)?.trim() ?? "";
  return filters;
}

export const STATUS_TABS = [
  { value: "", label: "All" },
  { value: "starting,processing", label: "Running" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
] as const;

/** The providers gengate has built in, offered as suggestions; any configured name may be typed. */
const PROVIDERS = ["sim", "local", "replicate", "runpod", "fal"];

function tabHref(status: string, filters: ListFilters): string {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = name === "status" ? status : filters[name];
    if (value && name !== "id") query.set(name, value);
  }
  const text = query.toString();
  return text ? `/predictions?${text}` : "/predictions";
}

const field = (id: string, label: string, control: Html) =>
  html`<div class="field"><label for="${id}">${label}</label>${control}</div>`;

export function predictionsView(
  session: Session,
  models: readonly ModelSummary[],
  filters: ListFilters,
  isAdmin: boolean,
): Html {
  return layout(
    { title: "Predictions", script: "predictions.js", session, section: "predictions" },
    html`<h1>Predictions</h1>
    <nav aria-label="Status" class="tabs">
      <ul class="nav-list">
        ${STATUS_TABS.map(
          (tab) =>
            html`<li><a class="nav-link" href="${tabHref(tab.value, filters)}" ${tab.value === filters.status ? html`aria-current="page"` : ""}>${tab.label}</a></li>`,
        )}
      </ul>
    </nav>
    <form class="filters" method="get" action="/predictions" role="search">
      <input type="hidden" name="status" value="${filters.status}" />
      ${field(
        "filter-q",
        "Search prompts",
        html`<input id="filter-q" name="q" type="search" value="${filters.q}" autocomplete="off" />`,
      )}
      ${field(
        "filter-model",
        "Model",
        html`<select id="filter-model" name="model">
          <option value="">All models</option>
          ${modelOptions(models, filters.model)}
        </select>`,
      )}
      ${field(
        "filter-provider",
        "Provider",
        html`<input id="filter-provider" name="provider" type="text" list="providers" value="${filters.provider}" autocomplete="off" spellcheck="false" />
        <datalist id="providers">${PROVIDERS.map((name) => html`<option value="${name}"></option>`)}</datalist>`,
      )}
      ${
        isAdmin
          ? field(
              "filter-token",
              "Token id",
              html`<input id="filter-token" name="token" type="text" value="${filters.token}" autocomplete="off" spellcheck="false" />`,
            )
          : ""
      }
      ${field("filter-from", "Created from", html`<input id="filter-from" name="from" type="datetime-local" value="${filters.from}" />`)}
      ${field("filter-to", "Created before", html`<input id="filter-to" name="to" type="datetime-local" value="${filters.to}" />`)}
      ${field(
        "filter-sort",
        "Order",
        html`<select id="filter-sort" name="sort">
          <option value="">Newest first</option>
          <option value="oldest" ${filters.sort === "oldest" ? html`selected` : ""}>Oldest first</option>
        </select>`,
      )}
      ${field(
        "filter-id",
        "Search by id",
        html`<input id="filter-id" name="id" type="search" value="${filters.id}" spellcheck="false" autocomplete="off" />`,
      )}
      <button type="submit">Apply</button>
      <div class="toggle">
        <input type="checkbox" id="live" checked />
        <label for="live">Live updates</label>
      </div>
    </form>
    <div class="actions bulk-actions" id="bulk-actions" ${filters.id ? html`hidden` : ""}>
      <button type="button" id="bulk-cancel">Cancel matching</button>
      <button type="button" id="bulk-rerun">Re-run matching</button>
    </div>
    <dialog id="bulk-confirm" aria-labelledby="bulk-question">
      <form method="dialog">
        <p id="bulk-question" class="dialog-question"></p>
        <div class="actions">
          <button type="submit" value="confirm" id="bulk-go">Confirm</button>
          <button type="submit" value="back" class="quiet">Back</button>
        </div>
      </form>
    </dialog>
    <p id="list-status" class="hint" role="status"></p>
    <div class="table-wrap" role="region" aria-label="Predictions table" tabindex="0">
      <table id="predictions">
        <thead>
          <tr><th scope="col">Prediction</th><th scope="col">Model</th><th scope="col">Status</th><th scope="col">Prompt</th><th scope="col">Created</th><th scope="col">Run time</th></tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <div class="actions"><button type="button" id="load-more" hidden>Load more</button></div>`,
  );
}
