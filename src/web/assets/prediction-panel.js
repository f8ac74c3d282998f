// @ts-check
/**
 * A prediction as the pages show it: status and progress, outputs (images inline, text as it
 * streams), error, warnings, timeline and logs. Used by the playground and the prediction page.
 */
import { h, safeUrl } from "./dom.js";
import { dateTime, duration, isTerminal, progressOf } from "./format.js";

const IMAGE_PATH = /\.(png|jpe?g|webp|gif|avif|svg)$/i;

/** @typedef {{ id: string, model: string, status: string, input: Record<string, unknown>, output: unknown, logs?: string, error: string | null, data_removed?: boolean, created_at: string, started_at?: string | null, completed_at?: string | null, urls: Record<string, string>, metrics?: Record<string, number>, gengate?: { warnings?: string[], seed?: number } }} Prediction */

export class PredictionPanel {
  /**
   * @param {HTMLElement} mount
   * @param {{ pageLink?: boolean }} [options] link to the prediction's page (the playground wants one)
   */
  constructor(mount, { pageLink = false } = {}) {
    this.badge = h("span", { class: "badge" });
    this.detail = h("span", { class: "hint" });
    this.progress = h("progress", { max: "100", "aria-label": "Progress", hidden: true });
    this.outputs = h("div", { class: "outputs" });
    this.error = h("p", { class: "error", role: "alert", hidden: true });
    this.warnings = h("ul", { class: "warnings", "aria-label": "Warnings", hidden: true });
    this.timeline = h("dl", { class: "timeline" });
    this.logs = h("pre", { class: "logs", tabindex: "0", "aria-label": "Logs" });
    this.link = pageLink ? h("a", { class: "page-link" }, "Open the prediction page") : null;
    /** @type {HTMLPreElement | null} where streamed text goes */
    this.text = null;
    this.status = "";
    mount.replaceChildren(
      h("p", { class: "status-line", role: "status" }, this.badge, " ", this.detail),
      this.progress,
      this.error,
      this.outputs,
      this.warnings,
      this.timeline,
      h("details", { class: "logs-box", open: true }, h("summary", {}, "Logs"), this.logs),
      ...(this.link ? [h("p", {}, this.link)] : []),
    );
  }

  /** @param {Prediction} prediction the whole prediction, as the API gives it */
  show(prediction) {
    this.setStatus(prediction.status);
    this.detail.textContent = prediction.gengate?.seed !== undefined ? `seed ${prediction.gengate.seed}` : "";
    this.logs.textContent = prediction.logs ?? "";
    this.#showProgress();
    this.#showOutputs(prediction);
    this.error.hidden = !prediction.error;
    this.error.textContent = prediction.error ?? "";
    const warnings = prediction.gengate?.warnings ?? [];
    this.warnings.hidden = warnings.length === 0;
    this.warnings.replaceChildren(...warnings.map((warning) => h("li", {}, warning)));
    this.#showTimeline(prediction);
    if (this.link) this.link.setAttribute("href", `/p/${encodeURIComponent(prediction.id)}`);
  }

  /** @param {string} status */
  setStatus(status) {
    this.status = status;
    this.badge.textContent = status;
    this.badge.className = `badge status-${status}`;
  }

  /** The event stream (re)starts from the beginning: forget what it sent before. */
  restartLive() {
    this.logs.textContent = "";
    if (this.text) this.text.textContent = "";
  }

  /** @param {string} text log text added since the last call */
  appendLogs(text) {
    this.logs.append(text);
    if (this.status === "starting") this.setStatus("processing");
    this.#showProgress();
  }

  /** @param {string} token the next token of a streamed text output */
  appendToken(token) {
    if (!this.text) {
      this.text = h("pre", { class: "text-output", "aria-label": "Output text" });
      this.outputs.replaceChildren(this.text);
    }
    this.text.append(token);
    if (this.status === "starting") this.setStatus("processing");
  }

  #showProgress() {
    const percent = progressOf(this.logs.textContent ?? "");
    const running = !isTerminal(this.status);
    this.progress.hidden = percent === undefined || !running;
    if (percent !== undefined) this.progress.value = percent;
  }

  /** @param {Prediction} prediction */
  #showOutputs(prediction) {
    this.text = null;
    const { output } = prediction;
    if (prediction.data_removed) {
      this.outputs.replaceChildren(
        h(
          "p",
          { class: "hint" },
          "Its input, output, logs and files were removed (retention, or on request).",
        ),
      );
      return;
    }
    if (output === null || output === undefined) {
      this.outputs.replaceChildren();
      return;
    }
    const items = Array.isArray(output) ? output : [output];
    // A text model's output is a list of tokens (Cog's iterator, shown concatenated).
    if (items.every((item) => typeof item === "string" && !safeUrl(item))) {
      this.text = h("pre", { class: "text-output", "aria-label": "Output text" }, items.join(""));
      this.outputs.replaceChildren(this.text);
      return;
    }
    this.outputs.replaceChildren(...items.map((item, index) => outputItem(item, index, items.length)));
  }

  /** @param {Prediction} prediction */
  #showTimeline(prediction) {
    const { created_at: created, started_at: started, completed_at: completed } = prediction;
    /** @type {Array<[string, string]>} */
    const rows = [["Created", dateTime(created)]];
    if (started) rows.push(["Started", `${dateTime(started)} (${duration(created, started)} in queue)`]);
    if (completed) {
      const ran = started ? `${duration(started, completed)} running` : "never started";
      rows.push(["Completed", `${dateTime(completed)} (${ran})`]);
    }
    this.timeline.replaceChildren(
      ...rows.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))),
    );
  }
}

/**
 * One output: an image inline, another file as a link, anything else as JSON text.
 * @param {unknown} item
 * @param {number} index
 * @param {number} count
 */
function outputItem(item, index, count) {
  const url = safeUrl(item);
  const name = count > 1 ? `Output ${index + 1} of ${count}` : "Output";
  if (url && IMAGE_PATH.test(new URL(url).pathname)) {
    return h(
      "figure",
      { class: "output-image" },
      h("a", { href: url }, h("img", { src: url, alt: name })),
      h("figcaption", {}, h("a", { href: url, download: "" }, `Download ${name.toLowerCase()}`)),
    );
  }
  if (url) return h("p", {}, h("a", { href: url }, `${name}: ${url}`));
  return h(
    "pre",
    { class: "text-output", "aria-label": name },
    typeof item === "string" ? item : JSON.stringify(item, null, 2),
  );
}
