import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkInput, inputStem, toolOutputFiles } from "./tool-files.ts";

const dir = await mkdtemp(join(tmpdir(), "gengate-tool-files-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("checkInput", () => {
  it("accepts a file and a URL, refuses a missing path and a folder", async () => {
    await writeFile(join(dir, "a.png"), "x");
    await expect(checkInput(join(dir, "a.png"), "input")).resolves.toBeUndefined();
    await expect(checkInput("https://example.test/a.png", "input")).resolves.toBeUndefined();
    await expect(checkInput(join(dir, "b.png"), "mask")).rejects.toThrow(
      `mask ${join(dir, "b.png")}: no such file`,
    );
    await expect(checkInput(dir, "input")).rejects.toThrow(`input ${dir}: not a file`);
  });
});

describe("toolOutputFiles", () => {
  const one = ["http://gg.test/files/abc.png"];
  const two = ["http://gg.test/files/abc.png", "http://gg.test/files/def.webp"];

  it("names outputs after the input and the tool, in the current folder", () => {
    expect(toolOutputFiles(one, "pics/photo.jpg", "upscale", undefined)).toEqual([
      { url: one[0], path: "photo-upscale.png" },
    ]);
    expect(toolOutputFiles(two, "photo.jpg", "remove-background", undefined).map((f) => f.path)).toEqual([
      "photo-remove-background_1.png",
      "photo-remove-background_2.webp",
    ]);
  });

  it("uses -o as generate does", () => {
    expect(toolOutputFiles(one, "photo.jpg", "upscale", "out/big.png").map((f) => f.path)).toEqual([
      "out/big.png",
    ]);
    expect(toolOutputFiles(two, "photo.jpg", "upscale", "big.png").map((f) => f.path)).toEqual([
      "big_1.png",
      "big_2.png",
    ]);
  });
});

describe("inputStem", () => {
  it("is the file name without its extension, for a path or a URL", () => {
    expect(inputStem("/a/b/photo.final.jpg")).toBe("photo.final");
    expect(inputStem("https://x.test/img/cat%20face.png?s=1")).toBe("cat face");
    expect(inputStem("https://x.test/")).toBe("image");
    expect(inputStem("data:image/png;base64,AAAA")).toBe("image");
  });
});
