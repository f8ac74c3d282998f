/**
 * Stop sequences applied to streamed text: text passes through as it comes, except a tail that
 * may be the start of a stop sequence, held back until the next tokens tell.
 */
export class StopScanner {
  readonly #stops: string[];
  #held = "";

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((stop) => stop !== "");
  }

  /** The text that can be shown now; `stopped` once a stop sequence appeared (it is not shown). */
  push(token: string): { text: string; stopped: boolean } {
    const buffer = this.#held + token;
    const at = Math.min(...this.#stops.map((stop) => buffer.indexOf(stop)).filter((index) => index >= 0));
    if (Number.isFinite(at)) {
      this.#held = "";
      return { text: buffer.slice(0, at), stopped: true };
    }
    const held = this.#heldTail(buffer);
    this.#held = buffer.slice(buffer.length - held);
    return { text: buffer.slice(0, buffer.length - held), stopped: false };
  }

  /** What is held back, once the text has ended without a stop sequence. */
  flush(): string {
    const held = this.#held;
    this.#held = "";
    return held;
  }

  /** Length of the longest end of `buffer` that begins a stop sequence. */
  #heldTail(buffer: string): number {
    for (
      let length = Math.min(buffer.length, Math.max(0, ...this.#stops.map((s) => s.length - 1)));
      length > 0;
      length--
    ) {
      const tail = buffer.slice(buffer.length - length);
      if (this.#stops.some((stop) => stop.startsWith(tail))) return length;
    }
    return 0;
  }
}
