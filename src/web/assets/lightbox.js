// @ts-check
/**
 * A modal lightbox on a `<dialog>`: Escape closes it, the arrow keys move to the previous and next
 * output, Tab stays inside it, and focus goes back where it was when it closes.
 */
import { byId } from "./dom.js";

/** @typedef {{ prediction_id: string, index: number, url: string, model: string, prompt: string | null, favorite: boolean, urls: { web: string } }} Output */

export class Lightbox {
  /**
   * @param {{ count(): number, at(index: number): Output | undefined, toggleFavorite(index: number): Promise<Output | undefined> }} source
   */
  constructor(source) {
    this.source = source;
    this.dialog = byId("lightbox", HTMLDialogElement);
    this.title = byId("lightbox-title");
    this.image = byId("lightbox-image", HTMLImageElement);
    this.prompt = byId("lightbox-prompt");
    this.previous = byId("lightbox-previous", HTMLButtonElement);
    this.next = byId("lightbox-next", HTMLButtonElement);
    this.favorite = byId("lightbox-favorite", HTMLButtonElement);
    this.download = byId("lightbox-download", HTMLAnchorElement);
    this.open = byId("lightbox-open", HTMLAnchorElement);
    this.index = 0;
    /** @type {HTMLElement | null} */
    this.returnFocus = null;

    byId("lightbox-close").addEventListener("click", () => this.dialog.close());
    this.previous.addEventListener("click", () => this.move(-1));
    this.next.addEventListener("click", () => this.move(1));
    this.favorite.addEventListener("click", async () => {
      const updated = await this.source.toggleFavorite(this.index);
      if (updated) this.show(this.index);
    });
    this.dialog.addEventListener("keydown", (event) => this.#onKey(event));
    this.dialog.addEventListener("close", () => this.returnFocus?.focus());
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    this.dialog.addEventListener("click", (event) => {
      if (event.target === this.dialog) this.dialog.close();
    });
  }

  /** @param {number} index */
  openAt(index) {
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.show(index);
    if (!this.dialog.open) this.dialog.showModal();
    this.next.disabled ? this.previous.focus() : this.next.focus();
  }

  /** @param {number} step */
  move(step) {
    const index = this.index + step;
    if (index < 0 || index >= this.source.count()) return;
    this.show(index);
  }

  /** @param {number} index */
  show(index) {
    const output = this.source.at(index);
    if (!output) return;
    this.index = index;
    const count = this.source.count();
    this.title.textContent = `Output ${index + 1} of ${count} · ${output.model}`;
    this.image.src = output.url;
    this.image.alt = output.prompt ?? `Output of ${output.model}`;
    this.prompt.textContent = output.prompt ?? "";
    this.previous.disabled = index === 0;
    this.next.disabled = index === count - 1;
    this.favorite.setAttribute("aria-pressed", String(output.favorite));
    this.download.href = output.url;
    this.open.href = `/p/${encodeURIComponent(output.prediction_id)}`;
  }

  /** @param {KeyboardEvent} event */
  #onKey(event) {
    if (event.key === "ArrowLeft") this.move(-1);
    else if (event.key === "ArrowRight") this.move(1);
    else if (event.key === "Tab") this.#keepFocusInside(event);
    else return;
    if (event.key !== "Tab") event.preventDefault();
  }

  /** @param {KeyboardEvent} event */
  #keepFocusInside(event) {
    const focusable = [...this.dialog.querySelectorAll("button, a[href]")].filter(
      (element) => !(/** @type {HTMLButtonElement} */ (element).disabled),
    );
    const first = /** @type {HTMLElement | undefined} */ (focusable[0]);
    const last = /** @type {HTMLElement | undefined} */ (focusable.at(-1));
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }
}
