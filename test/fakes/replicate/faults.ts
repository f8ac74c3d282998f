/** Faults the tests switch on; each counts down as requests or deliveries consume it. */
import type { FaultControls } from "./types.ts";

type Fault = "errors" | "drop" | "duplicate" | "slow" | "resetBefore" | "resetAfter";

export class FaultState implements FaultControls {
  readonly #left = new Map<Fault, number>();
  #errorStatus = 503;
  #slowMs = 0;

  errors5xx(count: number, status = 503): void {
    this.#left.set("errors", count);
    this.#errorStatus = status;
  }

  dropWebhooks(count: number): void {
    this.#left.set("drop", count);
  }

  duplicateWebhooks(count: number): void {
    this.#left.set("duplicate", count);
  }

  slow(ms: number, count: number): void {
    this.#left.set("slow", count);
    this.#slowMs = ms;
  }

  resetBeforeCreate(count: number): void {
    this.#left.set("resetBefore", count);
  }

  resetAfterCreate(count: number): void {
    this.#left.set("resetAfter", count);
  }

  /** Consumes one occurrence of `fault`; true when it applies. */
  take(fault: Fault): boolean {
    const left = this.#left.get(fault) ?? 0;
    if (left <= 0) return false;
    this.#left.set(fault, left - 1);
    return true;
  }

  /** The status to answer, when an injected error applies to this request. */
  takeError(): number | undefined {
    return this.take("errors") ? this.#errorStatus : undefined;
  }

  /** How long to hold this request's answer. */
  takeSlow(): number {
    return this.take("slow") ? this.#slowMs : 0;
  }

  clear(): void {
    this.#left.clear();
  }
}
