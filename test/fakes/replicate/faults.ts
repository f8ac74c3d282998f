/** Faults the tests switch on; each counts down as requests or deliveries consume it. */
import type { FaultControls } from "./types.ts";

type Fault =
  | "errors"
  | "drop"
  | "duplicate"
  | "slow"
  | "slowDelivery"
  | "failedDelivery"
  | "resetBefore"
  | "resetAfter";

export class FaultState implements FaultControls {
  readonly #left = new Map<Fault, number>();
  /** By model ("owner/name"): the error its next runs (predictions or trainings) fail with, and how many more do. */
  readonly #failingRuns = new Map<string, { left: number; error: string }>();
  #errorStatus = 503;
  #deliveryErrorStatus = 503;
  #slowMs = 0;
  #slowDeliveryMs = 0;

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

  slowDeliveries(ms: number, count: number): void {
    this.#left.set("slowDelivery", count);
    this.#slowDeliveryMs = ms;
  }

  failDeliveries(count: number, status = 503): void {
    this.#left.set("failedDelivery", count);
    this.#deliveryErrorStatus = status;
  }

  resetBeforeCreate(count: number): void {
    this.#left.set("resetBefore", count);
  }

  resetAfterCreate(count: number): void {
    this.#left.set("resetAfter", count);
  }

  failRuns(model: string, count: number, error = "CUDA out of memory"): void {
    this.#failingRuns.set(model, { left: count, error });
  }

  /** The error a run of `model` starting now fails with, if one is due. */
  takeRunFailure(model: string): string | undefined {
    const failing = this.#failingRuns.get(model);
    if (!failing || failing.left <= 0) return undefined;
    failing.left--;
    return failing.error;
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

  /** The status to answer this output file download with, when an injected failure applies. */
  takeDeliveryError(): number | undefined {
    return this.take("failedDelivery") ? this.#deliveryErrorStatus : undefined;
  }

  /** How long to hold this output file download before answering. */
  takeSlowDelivery(): number {
    return this.take("slowDelivery") ? this.#slowDeliveryMs : 0;
  }

  clear(): void {
    this.#left.clear();
    this.#failingRuns.clear();
  }
}
