import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { newId } from "../core/ids.ts";
import { FilesRepo, type StoredFile } from "./files-repo.ts";

function file(overrides: Partial<StoredFile> = {}): StoredFile {
  return {
    id: newId(),
    name: "cat.png",
    contentType: "image/png",
    size: 5_000_000_000,
    sha256: "a".repeat(64),
    md5: "b".repeat(32),
    storageKey: `sha256/${"a".repeat(64)}`,
    metadata: { source: "upload", dims: { w: 512, h: 512 }, tags: ["x"], none: null },
    tokenId: "tok",
    createdAt: Date.now(),
    expiresAt: null,
    ...overrides,
  };
}

describeEachBackend("FilesRepo", (open) => {
  async function repo(): Promise<FilesRepo> {
    return new FilesRepo((await open()).db);
  }

  it("round-trips a file, large sizes and metadata included", async () => {
    const files = await repo();
    const f = file({ expiresAt: Date.now() + 3_600_000, tokenId: null });
    await files.insert(f);
    expect(await files.get(f.id)).toEqual(f);
    expect(await files.get("missing")).toBeNull();
  });

  it("pages newest first with a keyset cursor", async () => {
    const files = await repo();
    const inserted: StoredFile[] = [];
    for (let i = 0; i < 25; i++) {
      const f = file({ createdAt: 1000 + Math.floor(i / 4) });
      inserted.push(f);
      await files.insert(f);
    }
    const expected = inserted
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((f) => f.id);
    const seen: string[] = [];
    let before: { createdAt: number; id: string } | undefined;
    for (let page = 0; page < 3; page++) {
      const rows = await files.list({ limit: 10, ...(before ? { before } : {}) });
      seen.push(...rows.map((f) => f.id));
      const last = rows.at(-1);
      if (last) before = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toEqual(expected);
    expect(await files.list({ limit: 10, ...(before ? { before } : {}) })).toEqual([]);
  });

  it("filters by token", async () => {
    const files = await repo();
    const mine = file({ tokenId: "me" });
    await files.insert(mine);
    await files.insert(file({ tokenId: "you" }));
    expect(await files.list({ tokenId: "me", limit: 10 })).toEqual([mine]);
  });

  it("deletes a file once", async () => {
    const files = await repo();
    const f = file();
    await files.insert(f);
    expect(await files.delete(f.id)).toBe(true);
    expect(await files.delete(f.id)).toBe(false);
    expect(await files.get(f.id)).toBeNull();
  });
});
