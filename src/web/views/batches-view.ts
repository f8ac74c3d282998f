/**
 * Batches: start one from a dropped file (read by the API with the rules of `gengate batch`) and
 * see the user's batches; a batch's page, whose script fills the progress grid as items finish.
 */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

export function batchesView(session: Session, models: readonly ModelSummary[]): Html {
  return layout(
    { title: "Batches", script: "batches.js", session, section: "batches" },
    html`<h1>Batches</h1>
    <section class="panel batch-panel" aria-labelledby="new-batch-heading">
      <h2 id="new-batch-heading">New batch</h2>
      <form id="batch-form" novalidate>
        <div class="drop-zone" id="batch-drop" role="group" aria-label="Batch file">
          <p>Drop a batch file here, or</p>
          <input type="file" id="batch-file" class="visually-hidden" accept=".csv,.json,.jsonl,.txt,text/*,application/json" aria-describedby="batch-file-hint" />
          <label for="batch-file" class="button">Choose a batch file</label>
          <p class="hint" id="batch-file-hint">
            CSV (a header row, an item a row), JSON (a list of items), JSON Lines (an item a line) or
            text (a prompt a line), read as <code>gengate batch</code> reads them.
          </p>
        </div>
        <p id="batch-file-status" class="hint" role="status"></p>
        <ol id="batch-preview" class="batch-preview" aria-label="Items in the file" hidden></ol>
        <div class="tool-options">
          <div class="field">
            <label for="batch-model">Model</label>
            <select id="batch-model" aria-describedby="batch-model-hint">${modelOptions(models, "sim/image")}</select>
            <p class="hint" id="batch-model-hint">For the items that name none.</p>
          </div>
          <div class="field">
            <label for="batch-concurrency">Concurrency</label>
            <input id="batch-concurrency" type="number" inputmode="numeric" min="1" step="1" aria-describedby="batch-concurrency-hint" />
            <p class="hint" id="batch-concurrency-hint">At most this many items at once; empty for no cap.</p>
          </div>
          <div class="field wide">
            <label for="batch-input">Parameters for every item (JSON)</label>
            <textarea id="batch-input" class="code" rows="3" spellcheck="false" aria-describedby="batch-input-hint"></textarea>
            <p class="hint" id="batch-input-hint">For example {"width": 512, "height": 512}; an item's own values win.</p>
          </div>
        </div>
        <p id="batch-error" class="error" role="alert"></p>
        <div class="actions">
          <button type="submit" class="primary" id="start-batch" disabled>Start the batch</button>
        </div>
      </form>
    </section>
    <section class="panel batch-panel" aria-labelledby="batch-list-heading">
      <h2 id="batch-list-heading">Your batches</h2>
      <p id="batch-list-status" class="hint" role="status"></p>
      <div class="table-wrap" role="region" aria-label="Batches table" tabindex="0">
        <table id="batches">
          <thead>
            <tr><th scope="col">Batch</th><th scope="col">Status</th><th scope="col">Items</th><th scope="col">Created</th></tr>
          </thead>
          <tbody></tbody>
        </table>
      </div>
    </section>`,
  );
}

export function batchView(session: Session, id: string): Html {
  const archive = `/ui/api/v1/batches/${encodeURIComponent(id)}/archive`;
  return layout(
    { title: `Batch ${id}`, script: "batch-page.js", session, section: "batches" },
    html`<div class="page-head">
      <h1>Batch <code id="batch-id">${id}</code></h1>
    </div>
    <section class="panel batch-panel" aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <p class="status-line" role="status" id="batch-status"></p>
      <progress id="batch-progress" max="100" value="0" aria-label="Items finished"></progress>
      <p class="error" role="alert" id="batch-error"></p>
      <div class="actions">
        <button type="button" id="retry-failed" hidden>Retry failed items</button>
        <button type="button" id="cancel-batch" hidden>Cancel the batch</button>
        <a class="button" id="download-zip" href="${archive}" download="batch-${id}.zip">Download the zip</a>
      </div>
    </section>
    <section class="panel batch-panel" aria-labelledby="items-heading">
      <h2 id="items-heading">Items</h2>
      <ol id="batch-grid" class="batch-grid" aria-label="Items"></ol>
    </section>`,
  );
}
