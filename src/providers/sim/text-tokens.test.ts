import { describe, expect, it } from "vitest";
import { simTokens } from "./text-tokens.ts";

describe("simTokens", () => {
  it("makes exactly the requested number of tokens", () => {
    for (const count of [1, 3, 64, 4096]) expect(simTokens("hello there", 1, count)).toHaveLength(count);
  });

  it("is deterministic from prompt and seed", () => {
    expect(simTokens("a prompt", 7, 50)).toEqual(simTokens("a prompt", 7, 50));
    expect(simTokens("a prompt", 7, 50)).not.toEqual(simTokens("a prompt", 8, 50));
    expect(simTokens("a prompt", 7, 50)).not.toEqual(simTokens("another prompt", 7, 50));
  });

  it("starts by echoing the prompt, then spaces every later token", () => {
    const tokens = simTokens("Tell me about lighthouses please, in detail", 3, 20);
    expect(tokens.slice(0, 4)).toEqual(["Tell", " me", " about", " lighthouses"]);
    for (const token of tokens.slice(1)) expect(token).toMatch(/^ \S+$/);
    expect(tokens.join("").split(" ")).toHaveLength(20);
  });

  it("cuts the echo short when few tokens are asked for", () => {
    expect(simTokens("one two three four five", 0, 2)).toEqual(["one", " two"]);
  });

  it("works with an empty prompt", () => {
    const tokens = simTokens("", 0, 5);
    expect(tokens).toHaveLength(5);
    expect(tokens[0]).toMatch(/^\S+$/);
  });
});
