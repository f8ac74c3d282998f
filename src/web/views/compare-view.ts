/** Compare: one input run on two to four models at once, each model's result in its own column. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

export function compareView(
  session: Session,
  models: readonly ModelSummary[],
  loras: readonly string[],
): Html {
  // Two different models to start with, the providers' before the aliases (those may need keys).
  const refs = models.map((model) => `${model.owner}/${model.name}`);
  const preferred = [...refs.filter((ref) => !ref.startsWith("gengate/")), ...refs];
  const [first, second] = [...new Set(preferred)];
  const picker = (index: number, selected: string | undefined) =>
    html`<div class="field compare-model">
      <label for="model-${index}">Model ${index}</label>
      <select id="model-${index}" name="model">${modelOptions(models, selected, loras)}</select>
    </div>`;
  return layout(
    { title: "Compare", script: "compare.js", session, section: "compare" },
    html`<h1>Compare</h1>
    <form id="compare-form" class="panel compare-form" novalidate>
      <fieldset id="compare-models">
        <legend>Models (two to four)</legend>
        ${picker(1, first)} ${picker(2, second)}
      </fieldset>
      <div class="actions">
        <button type="button" id="add-model">Add a model</button>
        <button type="button" id="remove-model" hidden>Remove the last model</button>
      </div>
      <div class="field">
        <label for="compare-prompt">Prompt</label>
        <textarea id="compare-prompt" rows="2" aria-required="true"></textarea>
      </div>
      <div class="field">
        <label for="compare-json">More input as JSON</label>
        <textarea id="compare-json" class="code" rows="2" spellcheck="false" aria-describedby="compare-json-hint"></textarea>
        <p id="compare-json-hint" class="hint">Sent to every model with the prompt, e.g. {"seed": 7}. A model that does not take a field says so in its column.</p>
      </div>
      <p id="compare-error" class="error" role="alert"></p>
      <div class="actions">
        <button type="submit" class="primary" id="compare-run">Run on every model</button>
      </div>
    </form>
    <div id="compare-results" class="compare-results"></div>`,
  );
}
