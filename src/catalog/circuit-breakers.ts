/**
 * A circuit breaker per route target: open after `failures` failures
 * within `windowMs`; after `openMs` one probe is let through (half-open). The probe's success
 * closes the circuit and its failure opens it again; a probe that ends any other way (canceled,
 * timed out, lost upstream) is released, and one not heard of within `openMs` (its prediction was
 * never stored) is taken as lost: either way the next request becomes the probe.
 */
export interface BreakerSettings {
  failures: number;
  windowMs: number;
  openMs: number;
}

/** What a circuit lets a request do: pass (closed), pass as the probe, or nothing (open). */
export type Admission = "closed" | "probe" | "open";

export interface Circuit {
  failures: number[];
  openedAt: number | null;
  /** When the probe in flight was let through; null when there is none. */
  probeSince: number | null;
}

export const closedCircuit = (): Circuit => ({ failures: [], openedAt: null, probeSince: null });

/** Whether work may go through `circuit` now; past the open time, the first caller becomes the probe. */
export function admitThrough(circuit: Circuit, settings: BreakerSettings, now: number): Admission {
  if (circuit.openedAt === null) return "closed";
  const { openMs } = settings;
  const probing = circuit.probeSince !== null && now - circuit.probeSince < openMs;
  if (probing || now - circuit.openedAt < openMs) return "open";
  circuit.probeSince = now;
  return "probe";
}

export function circuitState(
  circuit: Circuit,
  settings: BreakerSettings,
  now: number,
): "closed" | "open" | "half-open" {
  if (circuit.openedAt === null) return "closed";
  return circuit.probeSince !== null || now - circuit.openedAt >= settings.openMs ? "half-open" : "open";
}

export function recordFailure(circuit: Circuit, settings: BreakerSettings, now: number): void {
  circuit.failures = [...circuit.failures.filter((at) => now - at < settings.windowMs), now];
  if (circuit.probeSince !== null || circuit.failures.length >= settings.failures) {
    circuit.openedAt = now;
    circuit.probeSince = null;
  }
}

/** The circuits of one process, in its memory. */
export class CircuitBreakers {
  readonly #settings: BreakerSettings;
  readonly #circuits = new Map<string, Circuit>();

  constructor(settings: BreakerSettings) {
    this.#settings = settings;
  }

  get settings(): BreakerSettings {
    return this.#settings;
  }

  #circuit(key: string): Circuit {
    let circuit = this.#circuits.get(key);
    if (!circuit) {
      circuit = closedCircuit();
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }

  admit(key: string, now = Date.now()): Admission {
    return admitThrough(this.#circuit(key), this.#settings, now);
  }

  state(key: string, now = Date.now()): "closed" | "open" | "half-open" {
    return circuitState(this.#circuit(key), this.#settings, now);
  }

  success(key: string): void {
    this.#circuits.set(key, closedCircuit());
  }

  failure(key: string, now = Date.now()): void {
    recordFailure(this.#circuit(key), this.#settings, now);
  }

  /** The probe ended without telling whether the target works: the next request probes instead. */
  release(key: string): void {
    this.#circuit(key).probeSince = null;
  }
}
