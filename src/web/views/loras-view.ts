/**
 * LoRAs: train one from dropped photos (checked in the browser against the API's own limits before
 * anything is sent), and the list of the user's LoRAs with cancel and delete.
 */
import type { GetAnswer } from "../../api-client/api-types.ts";
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

/** `GET /v1/lora-photo-limits`, as the page's script reads it from `data-limits`. */
export type PhotoLimits = GetAnswer<"/v1/lora-photo-limits">;

const MIB = 2 ** 20;

export function lorasView(session: Session, limits: PhotoLimits): Html {
  const rules = `${limits.min_photos} to ${limits.max_photos} photos (JPEG, PNG, WebP, AVIF, TIFF or GIF, or zips of them), at most ${limits.max_file_bytes / MIB} MiB each and ${limits.max_total_bytes / MIB} MiB in all.`;
  return layout(
    { title: "LoRAs", script: "loras.js", session, section: "loras" },
    html`<h1>LoRAs</h1>
    <div class="lora-layout">
      <form id="train-form" class="panel" novalidate aria-labelledby="train-heading" data-limits="${JSON.stringify(limits)}">
        <h2 id="train-heading">Train a LoRA</h2>
        <div class="photo-drop" id="drop-zone">
          <input type="file" id="photos" class="visually-hidden" multiple accept="image/*,.zip,application/zip" aria-describedby="photo-rules" />
          <label for="photos" class="button">Choose photos</label>
          <span>or drop them here</span>
          <p id="photo-rules" class="hint">${rules}</p>
          <p id="photo-summary" class="hint" role="status"></p>
          <ul id="photo-previews" class="photo-previews" aria-label="Chosen photos"></ul>
        </div>
        <div class="field">
          <label for="lora-name">Name</label>
          <input id="lora-name" name="name" type="text" required pattern="[a-z0-9][a-z0-9\\-]{0,39}" maxlength="40" autocomplete="off" spellcheck="false" aria-describedby="name-hint" />
          <p id="name-hint" class="hint">Lowercase letters, digits and dashes; you will use it as <code>lora:name</code>.</p>
        </div>
        <div class="field">
          <label for="trigger-word">Trigger word</label>
          <input id="trigger-word" name="trigger_word" type="text" maxlength="64" value="TOK" autocomplete="off" spellcheck="false" />
        </div>
        <details class="options">
          <summary>Options</summary>
          <div class="field">
            <label for="samples">Sample images</label>
            <input id="samples" name="samples" type="number" min="0" max="8" step="1" value="4" />
          </div>
          <div class="field">
            <label for="steps">Training steps</label>
            <input id="steps" name="steps" type="number" min="1" step="1" aria-describedby="steps-hint" />
            <p id="steps-hint" class="hint">Left empty: the trainer's default.</p>
          </div>
        </details>
        <p id="train-error" class="error" role="alert"></p>
        <div class="actions">
          <button type="submit" class="primary" id="train">Train</button>
          <span id="train-status" class="hint" role="status"></span>
        </div>
      </form>
      <section class="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">Your LoRAs</h2>
        <p id="list-status" class="hint" role="status"></p>
        <div class="table-wrap" role="region" aria-label="LoRAs table" tabindex="0">
          <table id="loras">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Trigger word</th><th scope="col">Created</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody></tbody>
          </table>
        </div>
      </section>
    </div>`,
  );
}
