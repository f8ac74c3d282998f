import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { LocalStorage } from "../storage/local-storage.ts";
import { createStore } from "../store/index.ts";
import { InputReader } from "./input-reader.ts";
import { Uploads } from "./uploads.ts";

describeEachBackend("InputReader", (open) => {
  async function setUp() {
    const store = createStore(await open());
    const storage = new LocalStorage(mkdtempSync(join(tmpdir(), "gengate-inputs-")));
    const uploads = new Uploads(store, storage, pino({ level: "silent" }));
    const reader = new InputReader(uploads, storage, { maxBytes: 1024, allowPrivate: false });
    const token = async (name: string, isAdmin = false) =>
      (await store.tokens.create({ name, tokenHash: `hash-${name}`, isAdmin })).id;
    return { store, uploads, reader, token };
  }

  it("reads an upload, on any host, for work of its own token or an admin's only", async () => {
    const { uploads, reader, token } = await setUp();
    const [alice, bob, admin] = [await token("alice"), await token("bob"), await token("admin", true)];
    const file = await uploads.add(Buffer.from("alice's"), {
      name: "a.txt",
      contentType: "text/plain",
      metadata: {},
      tokenId: alice,
      expiresAt: null,
    });
    const url = `https://anywhere.example/v1/files/${file.id}`;
    expect((await reader.read(url, alice)).data.toString()).toBe("alice's");
    expect((await reader.read(url, admin)).data.toString()).toBe("alice's");
    await expect(reader.read(url, bob)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(reader.read(url, null)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("reads no upload once it has expired", async () => {
    const { uploads, reader, token } = await setUp();
    const alice = await token("alice");
    const file = await uploads.add(Buffer.from("old"), {
      name: "a.txt",
      contentType: "text/plain",
      metadata: {},
      tokenId: alice,
      expiresAt: Date.now() - 1,
    });
    await expect(reader.read(`http://localhost/v1/files/${file.id}`, alice)).rejects.toThrow(/expired/);
  });

  it("refuses a malformed URL or data URL as bad input", async () => {
    const { reader } = await setUp();
    for (const url of ["http://[::1]:99999/x", "data:image/png,%FF", "data:image/png;base64,"]) {
      await expect(reader.read(url, null), url).rejects.toMatchObject({ code: "invalid_input" });
    }
  });
});
