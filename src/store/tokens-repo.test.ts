import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { hashApiToken } from "../core/api-tokens.ts";
import { DEFAULT_SCOPES, SCOPES } from "../core/limits.ts";
import { TokensRepo } from "./tokens-repo.ts";

describeEachBackend("TokensRepo", (open) => {
  async function repo(): Promise<TokensRepo> {
    return new TokensRepo((await open()).db);
  }

  it("creates a token and finds it by hash", async () => {
    const tokens = await repo();
    const now = Date.now();
    const created = await tokens.create({ name: "ci", tokenHash: "hash-1", isAdmin: true }, now);
    expect(created).toEqual({
      id: expect.stringMatching(/^[a-z2-7]{26}$/),
      name: "ci",
      isAdmin: true,
      scopes: [...SCOPES],
      tenant: null,
      limits: {},
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await tokens.findByHash("hash-1")).toEqual(created);
    expect(await tokens.findByHash("hash-2")).toBeNull();
  });

  it("issues a token whose secret is shown once and found by its hash", async () => {
    const tokens = await repo();
    const { secret, token } = await tokens.issue({ name: "dashboard", isAdmin: false });
    expect(secret).toMatch(/^gg_/);
    expect(token).toMatchObject({ name: "dashboard", isAdmin: false, lastUsedAt: null, revokedAt: null });
    expect(token.scopes).toEqual(DEFAULT_SCOPES);
    expect(await tokens.findByHash(hashApiToken(secret))).toEqual(token);
    expect(JSON.stringify(await tokens.list())).not.toContain(secret);
  });

  it("rejects a second token with the same hash", async () => {
    const tokens = await repo();
    await tokens.create({ name: "a", tokenHash: "same", isAdmin: false });
    await expect(tokens.create({ name: "b", tokenHash: "same", isAdmin: false })).rejects.toThrow();
  });

  it("lists tokens oldest first without their hashes", async () => {
    const tokens = await repo();
    const second = await tokens.create({ name: "second", tokenHash: "h2", isAdmin: false }, 2000);
    const first = await tokens.create({ name: "first", tokenHash: "h1", isAdmin: true }, 1000);
    const listed = await tokens.list();
    expect(listed).toEqual([first, second]);
    expect(JSON.stringify(listed)).not.toContain("h1");
  });

  it("revokes once, hides the token from findByHash and count, keeps it listed", async () => {
    const tokens = await repo();
    const kept = await tokens.create({ name: "kept", tokenHash: "k", isAdmin: false });
    const gone = await tokens.create({ name: "gone", tokenHash: "g", isAdmin: false });
    expect(await tokens.count()).toBe(2);
    expect(await tokens.revoke(gone.id, 5000)).toBe(true);
    expect(await tokens.revoke(gone.id, 6000)).toBe(false);
    expect(await tokens.revoke("missing")).toBe(false);
    expect(await tokens.findByHash("g")).toBeNull();
    expect(await tokens.findByHash("k")).toEqual(kept);
    expect(await tokens.count()).toBe(1);
    expect((await tokens.list()).find((t) => t.id === gone.id)?.revokedAt).toBe(5000);
  });

  it("touch records the last use", async () => {
    const tokens = await repo();
    const token = await tokens.create({ name: "t", tokenHash: "t", isAdmin: false });
    const now = Date.now();
    await tokens.touch(token.id, now);
    expect((await tokens.findByHash("t"))?.lastUsedAt).toBe(now);
  });
});
