// @ts-check
/**
 * The inpainting mask, painted with the pointer on a canvas laid over the image: a brush, an
 * eraser, clear. It leaves as a black image with white where it was painted (white is repainted).
 */
import { canvasBlob } from "./image-drop.js";

export class MaskPainter {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {() => number} brushSize the brush's diameter in screen pixels
   */
  constructor(canvas, brushSize) {
    this.canvas = canvas;
    this.brushSize = brushSize;
    this.erasing = false;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) throw new Error("This browser cannot draw on a canvas");
    this.context = context;
    /** @type {{ x: number, y: number } | undefined} */
    let last;
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = this.#point(event);
      this.#stroke(last, last);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!last) return;
      const next = this.#point(event);
      this.#stroke(last, next);
      last = next;
    });
    const stop = () => {
      last = undefined;
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
  }

  /** A fresh mask the size of the image, in its pixels. */
  reset(width = this.canvas.width, height = this.canvas.height) {
    this.canvas.width = width;
    this.canvas.height = height;
    this.clear();
  }

  clear() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Whether any of the mask is painted. */
  isPainted() {
    const { data } = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }

  /**
   * The mask at `width`×`height` (the size of the image sent): white where painted, black elsewhere.
   * @param {number} width
   * @param {number} height
   */
  toBlob(width, height) {
    const white = document.createElement("canvas");
    white.width = this.canvas.width;
    white.height = this.canvas.height;
    const paint = white.getContext("2d");
    const mask = document.createElement("canvas");
    mask.width = width;
    mask.height = height;
    const out = mask.getContext("2d");
    if (!paint || !out) throw new Error("This browser cannot draw on a canvas");
    paint.drawImage(this.canvas, 0, 0);
    paint.globalCompositeOperation = "source-in";
    paint.fillStyle = "#fff";
    paint.fillRect(0, 0, white.width, white.height);
    out.fillStyle = "#000";
    out.fillRect(0, 0, width, height);
    out.drawImage(white, 0, 0, width, height);
    return canvasBlob(mask, "image/png");
  }

  /** @param {PointerEvent} event the point in the canvas's own pixels */
  #point(event) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * this.canvas.width) / box.width,
      y: ((event.clientY - box.top) * this.canvas.height) / box.height,
    };
  }

  /**
   * @param {{ x: number, y: number }} from
   * @param {{ x: number, y: number }} to
   */
  #stroke(from, to) {
    const context = this.context;
    const box = this.canvas.getBoundingClientRect();
    context.globalCompositeOperation = this.erasing ? "destination-out" : "source-over";
    context.strokeStyle = "#ff3b3b";
    context.lineCap = "round";
    context.lineJoin = "round";
    context.lineWidth = (this.brushSize() * this.canvas.width) / Math.max(1, box.width);
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }
}
