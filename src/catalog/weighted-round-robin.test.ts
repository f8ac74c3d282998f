import { describe, expect, it } from "vitest";
import { WeightedRoundRobin } from "./weighted-round-robin.ts";

const picks = (weights: number[], count: number) => {
  const balancer = new WeightedRoundRobin(weights);
  return Array.from({ length: count }, () => balancer.next());
};

describe("WeightedRoundRobin", () => {
  it("follows the weights exactly over each cycle, interleaving the targets", () => {
    expect(picks([5, 1, 1], 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
    const counts = [0, 0];
    for (const index of picks([3, 1], 1_000)) counts[index] = (counts[index] ?? 0) + 1;
    expect(counts).toEqual([750, 250]);
  });

  it("never picks a target of weight zero while another has weight", () => {
    expect(new Set(picks([0, 2, 1], 30))).toEqual(new Set([1, 2]));
  });
});
