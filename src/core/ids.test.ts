import { describe, expect, it } from "vitest";
import { newId } from "./ids.ts";

describe("newId", () => {
  it("gives 26 base32 characters, all different across many refills of its random pool", () => {
    const ids = Array.from({ length: 5_000 }, newId);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every position takes many values: no byte of the pool is reused for two ids.
    for (let position = 0; position < 25; position++)
      expect(new Set(ids.map((id) => id[position])).size).toBe(32);
  });
});
