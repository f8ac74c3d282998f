/**
 * A circuit breaker per route target, in this process's memory: open after `failures` failures
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

interface Circuit {
  failures: number[];
  openedAt: number | null;
  /** When the probe in flight was let through; null when there is none. */
  probeSince: number | null;
}

export class CircuitBreakers {
  readonly #settings: BreakerSettings;
  readonly #circuits = new Map<string, Circuit>();

  constructor(settings: BreakerSettings) {
    this.#settings = settings;
  }

  #circuit(key: string): Circuit {
    let circuit = this.#circuits.get(key);
    if (!circuit) {
      circuit = { failures: [], openedAt: null, probeSince: null };
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }

  /** Whether work may go to `key` now; past the open time, the first caller becomes the probe. */
  admit(key: string, now = Date.now()): Admission {
    const circuit = this.#circuit(key);
    if (circuit.openedAt === null) return "closed";
    const { openMs } = this.#settings;
    const probing = circuit.probeSince !== null && now - circuit.probeSince < openMs;
    if (probing || now - circuit.openedAt < openMs) return "open";
    circuit.probeSince = now;
    return "probe";
  }

  state(key: string, now = Date.now()): "closed" | "open" | "half-open" {
    const circuit = this.#circuit(key);
    if (circuit.openedAt === null) return "closed";
    return circuit.probeSince !== null || now - circuit.openedAt >= this.#settings.openMs
      ? "half-open"
      : "open";
  }

  success(key: string): void {
    this.#circuits.set(key, { failures: [], openedAt: null, probeSince: null });
  }

  failure(key: string, now = Date.now()): void {
    const circuit = this.#circuit(key);
    circuit.failures = [...circuit.failures.filter((at) => now - at < this.#settings.windowMs), now];
    if (circuit.probeSince !== null || circuit.failures.length >= this.#settings.failures) {
      circuit.openedAt = now;
      circuit.probeSince = null;
    }
  }

  /** The probe ended without telling whether the target works: the next request probes instead. */
  release(key: string): void {
    this.#circuit(key).probeSince = null;
  }
}
