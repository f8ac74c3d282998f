/**
 * A prediction's page (`urls.web`): its input rendered here, the live parts (status, progress,
 * outputs, logs, timeline, error) by the page's script from the prediction in `data-prediction`.
 */
import type { Schema } from "../../api-client/api-types.ts";
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

/** The fields of a prediction this page reads; the script reads the whole object. */
export type PredictionSummary = Pick<Schema<"Prediction">, "id" | "model" | "input">;

/** Inputs longer than this (data URLs, long prompts) are cut in the input list. */
const MAX_INPUT_CHARS = 2_000;

function inputText(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_INPUT_CHARS ? `${text.slice(0, MAX_INPUT_CHARS)}…` : text;
}

export function predictionView(session: Session, prediction: PredictionSummary): Html {
  const inputs = Object.entries(prediction.input);
  return layout(
    { title: `Prediction ${prediction.id}`, script: "prediction-page.js", session, section: "predictions" },
    html`<div class="page-head">
      <h1>Prediction <code>${prediction.id}</code></h1>
      <p class="hint">${prediction.model}</p>
    </div>
    <div class="actions" id="prediction-actions">
      <button type="button" id="cancel" hidden>Cancel</button>
      <button type="button" id="rerun">Re-run</button>
      <a class="button" href="/playground?from=${encodeURIComponent(prediction.id)}">Load into playground</a>
      <span id="action-status" class="hint" role="status"></span>
    </div>
    <div class="prediction-layout">
      <section class="panel" aria-labelledby="input-heading">
        <h2 id="input-heading">Input</h2>
        ${
          inputs.length === 0
            ? html`<p class="hint">No input.</p>`
            : html`<dl class="input-list">
                ${inputs.map(([name, value]) => html`<div><dt>${name}</dt><dd>${inputText(value)}</dd></div>`)}
              </dl>`
        }
      </section>
      <section class="panel" aria-labelledby="run-heading">
        <h2 id="run-heading">Run</h2>
        <div id="prediction-panel" data-prediction="${JSON.stringify(prediction)}"></div>
      </section>
      <section class="panel prediction-details" aria-labelledby="details-heading">
        <h2 id="details-heading">Route, cost and webhooks</h2>
        <div id="prediction-details"></div>
      </section>
    </div>`,
  );
}
