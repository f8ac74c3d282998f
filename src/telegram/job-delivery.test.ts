import { describe, expect, it } from "vitest";
import { outputUrls } from "./job-delivery.ts";

describe("the file URLs of an output", () => {
  it("reads one URL, a list, and a tool's object of them, in order", () => {
    const a = "https://gengate.example/files/a.png?expires=1&sig=x";
    const b = "http://localhost:8080/files/b.png";
    expect(outputUrls(a)).toEqual([a]);
    expect(outputUrls([a, b])).toEqual([a, b]);
    expect(outputUrls({ image: a, mask: b })).toEqual([a, b]);
  });

  it("finds none in text, numbers or nothing", () => {
    expect(outputUrls(["Hello", " world"])).toEqual([]);
    expect(outputUrls({ seed: 1 })).toEqual([]);
    expect(outputUrls(null)).toEqual([]);
  });
});
