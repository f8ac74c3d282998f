import { describe, expect, it } from "vitest";
import { backends } from "../../test/support/backends.ts";
import { createStore } from "../store/index.ts";
import { FileLinks } from "./file-links.ts";

const KEY = `${"a".repeat(64)}.png`;
const HOUR = 3_600_000;

function linksAt(start: number, ttlMs = 24 * HOUR) {
  let now = start;
  const links = new FileLinks({ secret: "s3cret", ttlMs, now: () => now });
  const queryOf = (url: string) => new URL(url, "http://x").searchParams;
  return {
    links,
    at: (ms: number) => {
      now = ms;
    },
    check: (url: string) => {
      const q = queryOf(url);
      return links.check(KEY, q.get("expires") ?? undefined, q.get("sig") ?? undefined);
    },
    expiresOf: (url: string) => Number(queryOf(url).get("expires")),
  };
}

describe("FileLinks", () => {
  it("signs a link that opens its file until its expiry, rounded up to the hour, and not after", () => {
    const t = linksAt(Date.UTC(2026, 0, 1, 10, 20));
    const url = t.links.path(KEY);
    expect(url).toMatch(new RegExp(`^/files/${KEY}\\?expires=\\d+&sig=[\\w-]{43}$`));
    expect(t.expiresOf(url) * 1000).toBe(Date.UTC(2026, 0, 2, 11, 0));
    expect(t.check(url)).toBe("ok");
    t.at(Date.UTC(2026, 0, 2, 10, 59, 59));
    expect(t.check(url)).toBe("ok");
    t.at(Date.UTC(2026, 0, 2, 11, 0));
    expect(t.check(url)).toBe("expired");
  });

  it("gives the same URL for a while, so browsers cache it", () => {
    const t = linksAt(Date.UTC(2026, 0, 1, 10, 1));
    const first = t.links.path(KEY);
    t.at(Date.UTC(2026, 0, 1, 10, 59));
    expect(t.links.path(KEY)).toBe(first);
    t.at(Date.UTC(2026, 0, 1, 11, 1));
    expect(t.links.path(KEY)).not.toBe(first);
  });

  it("refuses a link with a changed signature, expiry or file, or none", () => {
    const t = linksAt(Date.now());
    const url = t.links.path(KEY);
    const sig = new URL(url, "http://x").searchParams.get("sig") ?? "";
    const flipped = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expect(t.check(url.replace(sig, flipped))).toBe("bad_signature");
    expect(t.check(url.replace(/expires=(\d+)/, (_m, e) => `expires=${Number(e) + 3600}`))).toBe(
      "bad_signature",
    );
    expect(t.links.check(`${"b".repeat(64)}.png`, String(t.expiresOf(url)), sig)).toBe("bad_signature");
    expect(t.check(`/files/${KEY}`)).toBe("unsigned");
  });

  it("does not sign when files are public", () => {
    const links = new FileLinks({ secret: null, ttlMs: HOUR });
    expect(links.for("https://gg.example").file(KEY)).toBe(`https://gg.example/files/${KEY}`);
    expect(links.check(KEY, undefined, undefined)).toBe("ok");
  });

  it("keeps the secret in the database's settings, created once for every process", async () => {
    const database = await backends[0]?.open();
    if (!database) throw new Error("no SQLite backend");
    const a = await FileLinks.open(createStore(database).settings, { publicFiles: false, ttlMs: HOUR });
    const b = await FileLinks.open(createStore(await database.reopen()).settings, {
      publicFiles: false,
      ttlMs: HOUR,
    });
    expect(a.path(KEY)).toBe(b.path(KEY));
    expect(await createStore(database).settings.get("file_link_key")).toMatch(/^[\w-]{43}$/);
  });
});
