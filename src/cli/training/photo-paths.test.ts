import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandPhotoPaths } from "./photo-paths.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gengate-photos-"));
  await mkdir(join(dir, "me/raw"), { recursive: true });
  await mkdir(join(dir, "empty"));
  for (const name of [
    "me/b.png",
    "me/a.jpg",
    "me/a.txt",
    "me/.DS_Store",
    "me/raw/c.jpg",
    "set.zip",
    ".d.jpg",
  ]) {
    await writeFile(join(dir, name), name);
  }
  await writeFile(join(dir, "empty/.hidden.jpg"), "");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("expandPhotoPaths", () => {
  it("gives a folder's files in name order, without hidden files and subfolders", async () => {
    expect(await expandPhotoPaths([join(dir, "me")])).toEqual(
      ["a.jpg", "a.txt", "b.png"].map((name) => join(dir, "me", name)),
    );
  });

  it("gives a file as it is, a zip or a hidden one named on purpose, in the order given", async () => {
    const files = [join(dir, "set.zip"), join(dir, ".d.jpg"), join(dir, "me/raw/c.jpg")];
    expect(await expandPhotoPaths([...files, join(dir, "me")])).toEqual([
      ...files,
      ...["a.jpg", "a.txt", "b.png"].map((name) => join(dir, "me", name)),
    ]);
  });

  it("names a missing path and a folder without files", async () => {
    const missing = join(dir, "nope.jpg");
    await expect(expandPhotoPaths([join(dir, "set.zip"), missing])).rejects.toThrow(
      `${missing}: no such file or folder`,
    );
    await expect(expandPhotoPaths([join(dir, "empty")])).rejects.toThrow(
      `${join(dir, "empty")}: no files in this folder`,
    );
  });
});
