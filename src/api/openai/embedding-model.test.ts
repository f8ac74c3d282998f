import { describe, expect, it } from "vitest";
import { vectorsOf } from "./embedding-model.ts";

describe("vectorsOf", () => {
  it("reads the shapes embedding models answer with", () => {
    // replicate/all-mpnet-base-v2, sim/embeddings
    expect(vectorsOf([{ embedding: [0.1, 0.2] }, { embedding: [0.3, 0.4] }])).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(vectorsOf([[0.1], [0.2]])).toEqual([[0.1], [0.2]]);
    expect(vectorsOf({ embeddings: [[0.5, 0.6]] })).toEqual([[0.5, 0.6]]);
    // one text, one bare vector
    expect(vectorsOf([0.7, 0.8])).toEqual([[0.7, 0.8]]);
  });

  it("finds no vectors in anything else", () => {
    for (const output of [null, "text", [{ embedding: "x" }], [[]], [{ vector: [1] }], { embeddings: "x" }])
      expect(vectorsOf(output), JSON.stringify(output)).toBeUndefined();
  });
});
