// @ts-check
/**
 * The tools page: a tab per tool; each takes an image, runs the catalog alias `gengate/<tool>` on
 * it (the image uploaded with POST /v1/files, as `reference_image`), and shows before and after.
 */
import { api } from "./api.js";
import { byId, h, safeUrl } from "./dom.js";
import { fitImage, wireDropZone } from "./image-drop.js";
import { MaskPainter } from "./mask-painter.js";
import { watchPrediction } from "./prediction-stream.js";

/** @param {number} side the most pixels a tool takes, as a square's side */
const square = (side) => side * side;

/**
 * The most pixels each tool is sent; larger images are scaled down first. The upscaler's follow
 * the local upscaler's limits (by quality and scale), which are the tightest of its targets.
 * @type {Record<string, (input: Record<string, unknown>) => number>}
 */
const MAX_PIXELS = {
  "remove-background": () => square(4096),
  upscale: ({ scale, quality }) => {
    const sides = { fast: [2048, 1024], quality: [768, 512], balanced: [1024, 512] };
    const [x2 = 1024, x4 = 512] = sides[/** @type {keyof typeof sides} */ (quality)] ?? sides.balanced;
    return square(scale === 4 ? x4 : x2);
  },
  "restore-face": () => square(2048),
  inpaint: () => square(1024),
  colorize: () => square(2048),
};

/** The first image URL of an output: a URL, a list of them, or an object such as `{ image, mask }`. */
function imageUrlOf(/** @type {unknown} */ output) {
  if (Array.isArray(output)) return imageUrlOf(output[0]);
  if (typeof output === "object" && output !== null) {
    const fields = /** @type {Record<string, unknown>} */ (output);
    return imageUrlOf(fields.image ?? Object.values(fields)[0]);
  }
  return safeUrl(output);
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

class ToolPanel {
  /** @param {HTMLElement} panel */
  constructor(panel) {
    this.panel = panel;
    this.tool = panel.dataset.tool ?? "";
    /** @template {Element} T @param {string} attribute @param {new () => T} type @returns {T} */
    const part = (attribute, type) => {
      const element = panel.querySelector(`[${attribute}]`);
      if (!(element instanceof type)) throw new Error(`the ${this.tool} panel has no [${attribute}]`);
      return element;
    };
    this.error = part("data-error", HTMLElement);
    this.status = part("data-status", HTMLElement);
    this.runButton = part("data-run", HTMLButtonElement);
    this.compare = part("data-compare", HTMLElement);
    this.before = part("data-before", HTMLImageElement);
    this.after = part("data-after", HTMLImageElement);
    this.afterClip = part("data-after-clip", HTMLElement);
    this.slider = part("data-slider", HTMLInputElement);
    this.sliderRow = part("data-slider-row", HTMLElement);
    this.download = part("data-download", HTMLAnchorElement);
    /** @type {File | undefined} */
    this.file = undefined;
    /** @type {() => void} */
    this.stopWatching = () => {};
    const maskCanvas = panel.querySelector("[data-mask]");
    const brush = panel.querySelector('input[type="range"]:not([data-slider])');
    /** @type {MaskPainter | undefined} */
    this.mask =
      maskCanvas instanceof HTMLCanvasElement
        ? new MaskPainter(maskCanvas, () => (brush instanceof HTMLInputElement ? Number(brush.value) : 40))
        : undefined;
    if (this.mask) this.#wireMaskTools(this.mask, maskCanvas);

    wireDropZone(part("data-drop", HTMLElement), {
      onImage: (file) => this.#load(file),
      onProblem: (message) => {
        this.error.textContent = message;
      },
      accepts: () => !panel.hidden,
    });
    this.runButton.addEventListener("click", () => void this.#run());
    this.slider.addEventListener("input", () => this.#showSlider());
  }

  /** @param {File} file */
  #load(file) {
    this.stopWatching();
    this.file = file;
    this.error.textContent = "";
    this.status.replaceChildren();
    this.#showResult(undefined);
    this.before.src = URL.createObjectURL(file);
    this.before.addEventListener(
      "load",
      () => {
        const { naturalWidth: width, naturalHeight: height } = this.before;
        const frame = /** @type {HTMLElement | null} */ (this.compare.querySelector(".compare-frame"));
        frame?.style.setProperty("aspect-ratio", `${width} / ${height}`);
        this.mask?.reset(width, height);
      },
      { once: true },
    );
    this.compare.hidden = false;
    this.runButton.disabled = false;
  }

  /** Model inputs from the panel's option fields (`data-input`); an empty select is left out. */
  #options() {
    /** @type {Record<string, unknown>} */
    const input = {};
    for (const field of this.panel.querySelectorAll("[data-input]")) {
      const name = /** @type {HTMLElement} */ (field).dataset.input ?? "";
      if (field instanceof HTMLInputElement && field.type === "checkbox") {
        if (field.checked) input[name] = true;
      } else if (field instanceof HTMLSelectElement || field instanceof HTMLTextAreaElement) {
        const value = field.value.trim();
        if (value !== "") input[name] = field.dataset.type === "integer" ? Number(value) : value;
      }
    }
    // Face enhancement runs on a target without the quality setting.
    if (input.face_enhance) delete input.quality;
    return input;
  }

  async #run() {
    const file = this.file;
    if (!file) return;
    this.error.textContent = "";
    const input = this.#options();
    if (this.mask && !this.mask.isPainted()) {
      this.error.textContent = "Paint the mask over what should change first.";
      return;
    }
    if (this.tool === "inpaint" && !input.prompt) {
      this.error.textContent = "Prompt: say what to paint where the mask is.";
      return;
    }
    this.runButton.disabled = true;
    this.#say("uploading", "");
    try {
      const fitted = await fitImage(file, (MAX_PIXELS[this.tool] ?? (() => square(2048)))(input));
      input.reference_image = await upload(fitted.blob, file.name);
      if (this.mask) {
        input.mask = await upload(await this.mask.toBlob(fitted.width, fitted.height), "mask.png");
        // The image's own size, which the alias rounds to what its model takes.
        Object.assign(input, { width: fitted.width, height: fitted.height });
      }
      const prediction = await api("/v1/models/{owner}/{name}/predictions", {
        method: "POST",
        params: { owner: "gengate", name: this.tool },
        json: { input },
      });
      this.stopWatching();
      this.stopWatching = watchPrediction(prediction, this.#statusView(), (ended) => this.#ended(ended));
    } catch (error) {
      this.#say("failed", "");
      this.error.textContent = messageOf(error);
      this.runButton.disabled = false;
    }
  }

  /** What `watchPrediction` updates: the status line. */
  #statusView() {
    return {
      show: (/** @type {{ status: string }} */ prediction) => this.#say(prediction.status, ""),
      restartLive: () => {},
      appendLogs: () => this.#say("processing", ""),
      appendToken: () => {},
    };
  }

  /** @param {{ id: string, status: string, output: unknown, error: string | null }} prediction */
  #ended(prediction) {
    this.runButton.disabled = false;
    const url = imageUrlOf(prediction.output);
    this.#say(prediction.status, prediction.id);
    if (prediction.status !== "succeeded" || !url) {
      this.error.textContent = prediction.error ?? `The ${this.tool} run ended ${prediction.status}.`;
      return;
    }
    this.#showResult(url);
  }

  /**
   * @param {string} status
   * @param {string} id the prediction, linked once it has ended
   */
  #say(status, id) {
    const badge = h("span", { class: `badge status-${status}` }, status);
    const link = h("a", { href: `/p/${encodeURIComponent(id)}` }, "Open the prediction page");
    this.status.replaceChildren(badge, ...(id ? [" ", link] : []));
  }

  /** @param {string | undefined} url the result, or none (a new image, a mask being painted) */
  #showResult(url) {
    this.afterClip.hidden = !url;
    this.sliderRow.hidden = !url;
    this.download.hidden = !url;
    this.mask?.canvas.toggleAttribute("hidden", Boolean(url));
    if (!url) {
      this.after.removeAttribute("src");
      this.download.removeAttribute("href");
      return;
    }
    this.after.src = url;
    this.download.href = url;
    const extension = new URL(url).pathname.match(/\.(\w+)$/)?.[1] ?? "png";
    const stem = this.file?.name.replace(/\.\w+$/, "") || "image";
    this.download.setAttribute("download", `${stem}-${this.tool}.${extension}`);
    this.slider.value = "50";
    this.#showSlider();
  }

  #showSlider() {
    const value = Number(this.slider.value);
    this.afterClip.style.setProperty("clip-path", `inset(0 0 0 ${value}%)`);
    this.slider.setAttribute("aria-valuetext", `${value}% before, ${100 - value}% after`);
  }

  /**
   * @param {MaskPainter} mask
   * @param {Element | null} canvas
   */
  #wireMaskTools(mask, canvas) {
    const eraser = byId("inpaint-eraser", HTMLButtonElement);
    const repaint = () => {
      if (!this.afterClip.hidden) this.#showResult(undefined);
    };
    eraser.addEventListener("click", () => {
      mask.erasing = !mask.erasing;
      eraser.setAttribute("aria-pressed", String(mask.erasing));
      repaint();
    });
    byId("inpaint-clear", HTMLButtonElement).addEventListener("click", () => {
      mask.clear();
      repaint();
    });
    canvas?.addEventListener("pointerdown", repaint);
  }
}

/**
 * @param {Blob} blob
 * @param {string} name
 * @returns {Promise<string>} the file's URL, for a model's input
 */
async function upload(blob, name) {
  const body = new FormData();
  body.append("content", blob, name);
  const file = await api("/v1/files", { method: "POST", body });
  return file.urls.get;
}

/** The tabs (WAI-ARIA tabs: arrows, Home and End move between them); `?tool=` picks the first. */
function wireTabs() {
  const tabs = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('[role="tab"]')]);
  /** @param {HTMLButtonElement} chosen */
  const select = (chosen) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      byId(tab.getAttribute("aria-controls") ?? "").hidden = !selected;
    }
    history.replaceState(null, "", `?tool=${chosen.id.replace(/^tab-/, "")}`);
  };
  for (const [index, tab] of tabs.entries()) {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      const to = moves[/** @type {keyof typeof moves} */ (event.key)];
      if (to === undefined) return;
      event.preventDefault();
      const next = tabs[(to + tabs.length) % tabs.length];
      if (!next) return;
      select(next);
      next.focus();
    });
  }
  const asked = tabs.find((tab) => tab.id === `tab-${new URLSearchParams(location.search).get("tool")}`);
  if (asked) select(asked);
}

for (const panel of document.querySelectorAll('[role="tabpanel"]'))
  new ToolPanel(/** @type {HTMLElement} */ (panel));
wireTabs();
