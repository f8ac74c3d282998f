/**
 * Smooth weighted round-robin (as nginx balances upstreams): each pick goes to the target with
 * the most accumulated weight, so every cycle of picks follows the weights exactly and the
 * targets are interleaved rather than served in runs.
 */
export class WeightedRoundRobin {
  readonly #weights: readonly number[];
  readonly #current: number[];
  readonly #total: number;

  constructor(weights: readonly number[]) {
    this.#weights = weights;
    this.#current = weights.map(() => 0);
    this.#total = weights.reduce((sum, weight) => sum + weight, 0);
  }

  next(): number {
    let chosen = 0;
    for (const [index, weight] of this.#weights.entries()) {
      this.#current[index] = (this.#current[index] ?? 0) + weight;
      if ((this.#current[index] ?? 0) > (this.#current[chosen] ?? 0)) chosen = index;
    }
    this.#current[chosen] = (this.#current[chosen] ?? 0) - this.#total;
    return chosen;
  }
}
