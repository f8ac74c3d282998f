/**
 * The image tools, one tab each: an image drop zone, the tool's options, a before/after view with
 * a slider, a download link. Each tab runs a catalog alias (`gengate/<tool>`) through the API.
 */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

export interface ToolTab {
  /** The alias's name: the model `gengate/<name>`. */
  name: string;
  label: string;
  /** What the Run button says. */
  action: string;
  description: string;
}

export const TOOL_TABS: readonly ToolTab[] = [
  {
    name: "remove-background",
    label: "Remove background",
    action: "Remove the background",
    description: "Cuts out the subject: a PNG with a transparent background.",
  },
  {
    name: "upscale",
    label: "Upscale",
    action: "Upscale",
    description: "Enlarges an image two or four times.",
  },
  {
    name: "restore-face",
    label: "Restore face",
    action: "Restore faces",
    description: "Restores faces in old or blurry photos.",
  },
  {
    name: "inpaint",
    label: "Inpaint",
    action: "Inpaint",
    description: "Paint over what should change, say what to put there.",
  },
  {
    name: "colorize",
    label: "Colorize",
    action: "Colorize",
    description: "Colorizes a black-and-white photo.",
  },
];

function options(tool: string): Html | string {
  if (tool === "upscale")
    return html`<div class="tool-options">
      <div class="field">
        <label for="upscale-scale">Scale</label>
        <select id="upscale-scale" data-input="scale" data-type="integer">
          <option value="2">×2</option>
          <option value="4">×4</option>
        </select>
      </div>
      <div class="field">
        <label for="upscale-quality">Quality</label>
        <select id="upscale-quality" data-input="quality" aria-describedby="upscale-quality-hint">
          <option value="">Automatic</option>
          <option value="fast">Fast (resampling, no model)</option>
          <option value="balanced">Balanced</option>
          <option value="quality">Best (slower)</option>
        </select>
        <p class="hint" id="upscale-quality-hint">For this machine's own upscaler.</p>
      </div>
      <div class="toggle">
        <input type="checkbox" id="upscale-face-enhance" data-input="face_enhance" aria-describedby="upscale-face-hint" />
        <label for="upscale-face-enhance">Face enhance</label>
        <p class="hint" id="upscale-face-hint">Runs Real-ESRGAN with GFPGAN on Replicate, which has no quality setting.</p>
      </div>
    </div>`;
  if (tool === "inpaint")
    return html`<div class="tool-options">
      <div class="field wide">
        <label for="inpaint-prompt">Prompt</label>
        <textarea id="inpaint-prompt" data-input="prompt" rows="2" aria-describedby="inpaint-prompt-hint"></textarea>
        <p class="hint" id="inpaint-prompt-hint">What to paint where the mask is.</p>
      </div>
      <div class="field">
        <label for="inpaint-brush">Brush size</label>
        <input type="range" id="inpaint-brush" min="4" max="160" value="40" />
      </div>
      <div class="actions">
        <button type="button" id="inpaint-eraser" aria-pressed="false">Eraser</button>
        <button type="button" id="inpaint-clear">Clear mask</button>
      </div>
    </div>`;
  return "";
}

function panel(tab: ToolTab, index: number): Html {
  const id = tab.name;
  return html`<section class="tool-panel" role="tabpanel" id="panel-${id}" aria-labelledby="tab-${id}"
      data-tool="${id}" ${index === 0 ? "" : html`hidden`}>
    <p class="hint">${tab.description}</p>
    <div class="drop-zone" data-drop role="group" aria-label="Image to use">
      <p>Drop an image here, paste one, or</p>
      <input type="file" id="${id}-file" class="visually-hidden" accept="image/*" aria-describedby="${id}-drop-hint" />
      <label for="${id}-file" class="button">Choose an image</label>
      <p class="hint" id="${id}-drop-hint">PNG, JPEG, WebP, GIF or AVIF, up to 20 MB; large images are scaled down before upload.</p>
    </div>
    <p class="error" role="alert" data-error></p>
    ${options(id)}
    <div class="actions">
      <button type="button" class="primary" data-run disabled>${tab.action}</button>
      <p class="status-line" role="status" data-status></p>
    </div>
    <div class="compare" data-compare hidden>
      <div class="compare-frame">
        <img data-before alt="Before" />
        ${id === "inpaint" ? html`<canvas class="mask-canvas" data-mask aria-label="Mask: paint over what should change"></canvas>` : ""}
        <div class="compare-after" data-after-clip hidden><img data-after alt="After" /></div>
      </div>
      <label class="compare-slider" data-slider-row hidden>
        <span>Before and after</span>
        <input type="range" data-slider min="0" max="100" value="50" />
      </label>
    </div>
    <div class="actions">
      <a class="button" data-download hidden download>Download the result</a>
    </div>
  </section>`;
}

export function toolsView(session: Session): Html {
  return layout(
    { title: "Tools", script: "tools.js", session, section: "tools" },
    html`<h1>Tools</h1>
    <div class="tool-tabs" role="tablist" aria-label="Tools">
      ${TOOL_TABS.map(
        (tab, index) =>
          html`<button type="button" role="tab" id="tab-${tab.name}" aria-controls="panel-${tab.name}"
            aria-selected="${index === 0 ? "true" : "false"}" tabindex="${index === 0 ? "0" : "-1"}">${tab.label}</button>`,
      )}
    </div>
    <div class="panel">${TOOL_TABS.map(panel)}</div>`,
  );
}
