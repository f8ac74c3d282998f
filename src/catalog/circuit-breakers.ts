/**
 * A circuit breaker per route target, in this process's memory: open after `failures` failures
 * within `windowMs`; after `openMs` one probe is let through (half-open); its success closes the
 * circuit, its failure opens it again.
 */
export interface BreakerSettings {
  failures: number;
  windowMs: number;
  openMs: number;
}

interface Circuit {
  failures: number[];
  openedAt: number | null;
  probing: boolean;
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
      circuit = { failures: [], openedAt: null, probing: false };
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }

  /** Whether work may go to `key` now; past the open time, the first caller becomes the probe. */
  allows(key: string, now = Date.now()): boolean {
    const circuit = this.#circuit(key);
    if (circuit.openedAt === null) return true;
    if (circuit.probing || now - circuit.openedAt < this.#settings.openMs) return false;
    circuit.probing = true;
    return true;
  }

  state(key: string, now = Date.now()): "closed" | "open" | "half-open" {
    const circuit = this.#circuit(key);
    if (circuit.openedAt === null) return "closed";
    return circuit.probing || now - circuit.openedAt >= this.#settings.openMs ? "half-open" : "open";
  }

  success(key: string): void {
    this.#circuits.set(key, { failures: [], openedAt: null, probing: false });
  }

  failure(key: string, now = Date.now()): void {
    const circuit = this.#circuit(key);
    circuit.failures = [...circuit.failures.filter((at) => now - at < this.#settings.windowMs), now];
    if (circuit.probing || circuit.failures.length >= this.#settings.failures) {
      circuit.openedAt = now;
      circuit.probing = false;
    }
  }
}
