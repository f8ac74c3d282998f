/**
 * The circuit breakers of the route targets, as the engine uses them: this process's own in
 * embedded mode, or one set in the database shared by every process of a queue-mode deployment
 * (a circuit opened by one worker's failures stops the others too; one probe among all).
 */
import {
  type Admission,
  admitThrough,
  type BreakerSettings,
  type Circuit,
  CircuitBreakers,
  circuitState,
  closedCircuit,
  recordFailure,
} from "../catalog/circuit-breakers.ts";
import type { SharedLimitsRepo } from "../store/shared-limits-repo.ts";

export type CircuitStateName = "closed" | "open" | "half-open";

export interface Breakers {
  admit(key: string): Promise<Admission>;
  state(key: string): Promise<CircuitStateName>;
  success(key: string): Promise<void>;
  failure(key: string): Promise<void>;
  /** The probe ended without telling whether the target works: the next request probes instead. */
  release(key: string): Promise<void>;
}

export class LocalBreakers implements Breakers {
  private readonly circuits: CircuitBreakers;

  constructor(settings: BreakerSettings) {
    this.circuits = new CircuitBreakers(settings);
  }

  async admit(key: string): Promise<Admission> {
    return this.circuits.admit(key);
  }

  async state(key: string): Promise<CircuitStateName> {
    return this.circuits.state(key);
  }

  async success(key: string): Promise<void> {
    this.circuits.success(key);
  }

  async failure(key: string): Promise<void> {
    this.circuits.failure(key);
  }

  async release(key: string): Promise<void> {
    this.circuits.release(key);
  }
}

export class SharedBreakers implements Breakers {
  private readonly repo: SharedLimitsRepo;
  private readonly settings: BreakerSettings;

  constructor(repo: SharedLimitsRepo, settings: BreakerSettings) {
    this.repo = repo;
    this.settings = settings;
  }

  admit(key: string): Promise<Admission> {
    return this.change(key, (circuit) => admitThrough(circuit, this.settings, Date.now()));
  }

  async state(key: string): Promise<CircuitStateName> {
    const stored = await this.repo.circuit(key);
    return circuitState(parse(stored), this.settings, Date.now());
  }

  success(key: string): Promise<void> {
    return this.change(key, (circuit) => {
      Object.assign(circuit, closedCircuit());
    });
  }

  failure(key: string): Promise<void> {
    return this.change(key, (circuit) => recordFailure(circuit, this.settings, Date.now()));
  }

  release(key: string): Promise<void> {
    return this.change(key, (circuit) => {
      circuit.probeSince = null;
    });
  }

  private change<T>(key: string, step: (circuit: Circuit) => T): Promise<T> {
    return this.repo.changeCircuit(key, (stored) => {
      const circuit = parse(stored);
      const result = step(circuit);
      return { circuit: JSON.stringify(circuit), result };
    });
  }
}

function parse(stored: string | null): Circuit {
  return stored === null ? closedCircuit() : (JSON.parse(stored) as Circuit);
}
