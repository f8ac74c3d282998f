/** The playground: pick a model, fill the form made from its input schema (or raw JSON), run, watch. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

/** Picked when the page names no model: the simulator runs on every gengate, with no provider keys. */
const FIRST_MODEL = "sim/image";

export function playgroundView(
  session: Session,
  models: readonly ModelSummary[],
  loras: readonly string[],
  selected: string | undefined,
): Html {
  return layout(
    { title: "Playground", script: "playground.js", session, section: "playground" },
    html`<h1>Playground</h1>
    <div class="playground">
      <form id="run-form" class="panel" novalidate>
        <div class="field">
          <label for="model">Model</label>
          <select id="model" name="model" aria-describedby="model-description">
            ${modelOptions(models, selected ?? FIRST_MODEL, loras)}
          </select>
          <p id="model-description" class="hint"></p>
        </div>
        <div class="toggle">
          <input type="checkbox" id="raw-json" />
          <label for="raw-json">Edit the input as JSON</label>
        </div>
        <fieldset id="input-fields">
          <legend>Input</legend>
          <p class="hint">Loading the model's inputs…</p>
        </fieldset>
        <div id="raw-editor" class="field" hidden>
          <label for="input-json">Input JSON</label>
          <textarea id="input-json" rows="14" spellcheck="false"></textarea>
        </div>
        <p id="form-error" class="error" role="alert"></p>
        <div class="actions">
          <button type="submit" class="primary" id="run">Run</button>
          <button type="button" id="run-same-seed" aria-describedby="same-seed-hint" hidden>Run again with the same seed</button>
          <span id="same-seed-hint" class="hint" hidden></span>
        </div>
        <div class="copy-actions">
          <button type="button" id="copy-curl">Copy as curl</button>
          <button type="button" id="copy-replicate">Copy as replicate JS</button>
          <button type="button" id="copy-openai">Copy as openai</button>
        </div>
        <p id="copy-status" class="hint" role="status"></p>
      </form>
      <section class="panel" aria-labelledby="result-heading">
        <h2 id="result-heading">Result</h2>
        <div id="result"><p class="hint">Run the model to see its output here.</p></div>
      </section>
    </div>`,
  );
}
