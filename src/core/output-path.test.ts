import { describe, expect, it } from "vitest";
import { outputPathProblem, renderOutputPath } from "./output-path.ts";

describe("outputPathProblem", () => {
  it("takes relative paths with subfolders and any name safe on common file systems", () => {
    for (const path of ["a.png", "animals/Fox café (1) — été.webp", "x/y/z", ".hidden/ok.png", "日本/猫.png"])
      expect(outputPathProblem(path), path).toBeUndefined();
  });

  it.each([
    ["", "must not be empty"],
    ["../x", "must stay inside the output folder"],
    ["a/../../x", "must stay inside the output folder"],
    ["a/./x", "must stay inside the output folder"],
    ["/abs", "must be relative"],
    ["a\\b", "must not contain \\"],
    ["C:x", "must not contain :"],
    ["a\u0000b", "control characters"],
    ["a//b", "empty part"],
    ["a/", "empty part"],
    ["a /b", "must not end with a space or a dot"],
    ["dots./b", "must not end with a space or a dot"],
    ["sub/aux.txt", "reserved for devices"],
    [`${"é".repeat(128)}`, "at most 255 bytes"],
    [`${"a/".repeat(600)}b`, "at most 1024 bytes"],
  ])("refuses %j: %s", (path, problem) => {
    expect(outputPathProblem(path)).toContain(problem);
  });
});

describe("renderOutputPath", () => {
  const file = (output: number, outputs = 1) => ({ output, outputs, ext: "webp" });

  it("keeps the path as given, adding the output's extension when the name has none", () => {
    expect(renderOutputPath("a/Fox.png", file(1))).toBe("a/Fox.png");
    expect(renderOutputPath("a.b/Fox", file(1))).toBe("a.b/Fox.webp");
    expect(renderOutputPath(".hidden", file(1))).toBe(".hidden.webp");
  });

  it("numbers the outputs after the first before the extension", () => {
    expect([1, 2, 3].map((n) => renderOutputPath("a/Fox.png", file(n, 3)))).toEqual([
      "a/Fox.png",
      "a/Fox_2.png",
      "a/Fox_3.png",
    ]);
    expect(renderOutputPath("a/Fox", file(2, 2))).toBe("a/Fox_2.webp");
  });
});
