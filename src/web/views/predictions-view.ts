/** The predictions list: status tabs, filters, and the table the script fills and keeps live. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

export interface ListFilters {
  status: string;
  model: string;
  id: string;
}

export const STATUS_TABS = [
  { value: "", label: "All" },
  { value: "starting,processing", label: "Running" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
] as const;

function tabHref(status: string, filters: ListFilters): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (filters.model) query.set("model", filters.model);
  const text = query.toString();
  return text ? `/predictions?${text}` : "/predictions";
}

export function predictionsView(
  session: Session,
  models: readonly ModelSummary[],
  filters: ListFilters,
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
      <div class="field">
        <label for="filter-model">Model</label>
        <select id="filter-model" name="model">
          <option value="">All models</option>
          ${modelOptions(models, filters.model)}
        </select>
      </div>
      <div class="field">
        <label for="filter-id">Search by id</label>
        <input id="filter-id" name="id" type="search" value="${filters.id}" spellcheck="false" autocomplete="off" />
      </div>
      <button type="submit">Apply</button>
      <div class="toggle">
        <input type="checkbox" id="live" checked />
        <label for="live">Live updates</label>
      </div>
    </form>
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
