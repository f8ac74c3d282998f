import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { forgedFileLink } from "../../test/support/file-link.ts";
import { FileLinks } from "../storage/file-links.ts";
import { LocalStorage } from "../storage/local-storage.ts";
import { createStore } from "../store/index.ts";
import { InputReader } from "./input-reader.ts";
import { Uploads } from "./uploads.ts";

describeEachBackend("InputReader", (open) => {
  async function setUp() {
    const store = createStore(await open());
    const storage = new LocalStorage(mkdtempSync(join(tmpdir(), "gengate-inputs-")));
    const uploads = new Uploads(store, storage, pino({ level: "silent" }));
    let now = Date.now();
    const links = new FileLinks({ secret: "test secret", ttlMs: 3_600_000, now: () => now });
    const reader = new InputReader(uploads, storage, { maxBytes: 1024, allowPrivate: false, links });
    const token = async (name: string, isAdmin = false) =>
      (await store.tokens.create({ name, tokenHash: `hash-${name}`, isAdmin })).id;
    const later = (ms: number) => {
      now += ms;
    };
    return { store, storage, uploads, reader, links, later, token };
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

  it("reads a stored blob through a valid link only, never by its hash alone", async () => {
    const { storage, reader, links, later } = await setUp();
    const { key } = await storage.put(Buffer.from("someone's output"), "png");
    const link = links.for("http://127.0.0.1").file(key);
    expect((await reader.read(link, null)).data.toString()).toBe("someone's output");
    // Unsigned or forged, the link is treated as any remote URL: a private address is refused.
    for (const url of [`http://127.0.0.1/files/${key}`, forgedFileLink(link)]) {
      await expect(reader.read(url, null), url).rejects.toThrow(/not on a public address/);
    }
    later(2 * 3_600_000);
    await expect(reader.read(link, null)).rejects.toThrow(/expired/);
  });

  it("refuses a malformed URL or data URL as bad input", async () => {
    const { reader } = await setUp();
    for (const url of ["http://[::1]:99999/x", "data:image/png,%FF", "data:image/png;base64,"]) {
      await expect(reader.read(url, null), url).rejects.toMatchObject({ code: "invalid_input" });
    }
  });
});
