/**
 * One LoRA: each step of its flow with progress, the samples, and "Try it", which runs
 * `lora:<name>` with the trigger word in the prompt. The script keeps it live from `data-lora`.
 */
import type { Schema } from "../../api-client/api-types.ts";
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

/** The fields of `GET /v1/loras/{id}` this page reads; the script reads the whole object. */
export type LoraSummary = Pick<Schema<"Lora">, "id" | "name" | "model" | "trigger_word">;

export const LORA_STEPS = [
  { status: "uploading", label: "Upload the photos" },
  { status: "creating_model", label: "Create the model" },
  { status: "training", label: "Train" },
  { status: "sampling", label: "Make samples" },
  { status: "ready", label: "Ready" },
] as const;

export function loraView(session: Session, lora: LoraSummary): Html {
  return layout(
    { title: `LoRA ${lora.name}`, script: "lora.js", session, section: "loras" },
    html`<div class="page-head">
      <h1>LoRA <code>${lora.name}</code></h1>
      <p class="hint">Use it as <code>${lora.model}</code>; trigger word <code>${lora.trigger_word}</code></p>
    </div>
    <div class="actions">
      <button type="button" id="cancel" hidden>Cancel</button>
      <button type="button" id="delete">Delete</button>
      <a class="button" href="/loras">All LoRAs</a>
      <span id="action-status" class="hint" role="status"></span>
    </div>
    <div class="lora-layout" id="lora" data-lora="${JSON.stringify(lora)}">
      <section class="panel" aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        <p class="status-line" role="status"><span id="lora-status" class="badge"></span> <span id="lora-detail" class="hint"></span></p>
        <progress id="training-progress" max="100" aria-label="Training progress" hidden></progress>
        <ol class="lora-steps" id="lora-steps">
          ${LORA_STEPS.map((step) => html`<li data-step="${step.status}">${step.label}</li>`)}
        </ol>
        <p id="lora-error" class="error" role="alert"></p>
        <h2 id="samples-heading">Samples</h2>
        <div id="samples" class="outputs lora-samples" aria-labelledby="samples-heading"></div>
        <p id="samples-hint" class="hint">The samples appear once the LoRA is trained.</p>
      </section>
      <section class="panel" aria-labelledby="try-heading">
        <h2 id="try-heading">Try it</h2>
        <form id="try-form" novalidate>
          <div class="field">
            <label for="try-prompt">Prompt</label>
            <textarea id="try-prompt" rows="3" aria-describedby="try-hint">${lora.trigger_word} </textarea>
            <p id="try-hint" class="hint">The trigger word is added when the prompt lacks it.</p>
          </div>
          <p id="try-error" class="error" role="alert"></p>
          <div class="actions"><button type="submit" class="primary" id="try" disabled>Run</button></div>
        </form>
        <div id="try-result" role="region" aria-label="Try it result"></div>
      </section>
    </div>`,
  );
}
