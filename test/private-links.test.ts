/**
 * Private output links: signed and expiring, so a file's hash alone (which a prompt and seed
 * reveal) opens nothing; a tampered or expired link is 403 with a problem body saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedFileLink } from "./support/file-link.ts";
import { newTenant, startGateway, type Tenant, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const json = { "content-type": "application/json" };

async function outputsOf(caller: Pick<Tenant, "api">, input: Record<string, unknown>): Promise<string[]> {
  const answer = await caller.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers: { ...json, prefer: "wait" },
    body: JSON.stringify({ input: { width: 64, height: 64, ...input } }),
  });
  const prediction = (await answer.json()) as { status: string; output: string[] };
  expect(prediction.status).toBe("succeeded");
  return prediction.output;
}

const keyOf = (link: string) => new URL(link).pathname.split("/").pop() ?? "";

describe("signed file links", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway({ GENGATE_LINK_TTL: "3s" });
  });
  afterAll(() => gateway?.close());

  it("open the file until their expiry and not after", async () => {
    const [link = ""] = await outputsOf(gateway, { prompt: "short-lived" });
    expect(link).toMatch(signedFileLink(gateway.url, "webp"));
    const expires = Number(new URL(link).searchParams.get("expires")) * 1000;
    expect((await fetch(link)).status).toBe(200);
    await until(() => (Date.now() >= expires ? true : undefined), 15_000);
    const refused = await fetch(link);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await refused.json()).toMatchObject({ status: 403, detail: expect.stringMatching(/expired/) });
    // The API hands out a fresh link to the same file.
    const [fresh = ""] = await outputsOf(gateway, { prompt: "short-lived", seed: 7 });
    expect((await fetch(fresh)).status).toBe(200);
  });

  it("refuse a link with one byte of its signature changed, or none", async () => {
    const [link = ""] = await outputsOf(gateway, { prompt: "tamper" });
    const sig = new URL(link).searchParams.get("sig") ?? "";
    for (let at = 0; at < sig.length; at += 14) {
      const changed = `${sig.slice(0, at)}${sig[at] === "A" ? "B" : "A"}${sig.slice(at + 1)}`;
      const refused = await fetch(link.replace(`sig=${sig}`, `sig=${changed}`));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        title: "Forbidden",
        detail: expect.stringMatching(/signature/),
      });
    }
    const unsigned = await fetch(`${gateway.url}/files/${keyOf(link)}`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ detail: expect.stringMatching(/signed/) });
    expect((await fetch(link)).status).toBe(200);
  });

  it("do not let another tenant fetch an output by its hash", async () => {
    const alice = await newTenant(gateway, "alice");
    const bob = await newTenant(gateway, "bob");
    const [link = ""] = await outputsOf(alice, { prompt: "alice's secret", seed: 42 });
    const key = keyOf(link);
    // Bob knows the hash (the same prompt and seed give the same bytes) but holds no link.
    expect((await bob.api(`/files/${key}`)).status).toBe(403);
    expect((await bob.api(`/files/${key}?expires=9999999999&sig=${"A".repeat(43)}`)).status).toBe(403);
    // Nor can a model of his read it for him: an unsigned gengate URL is just a remote URL.
    const answer = await bob.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { ...json, prefer: "wait" },
      body: JSON.stringify({
        input: { prompt: "copy", image: `${gateway.url}/files/${key}`, width: 64, height: 64 },
      }),
    });
    const run = (await answer.json()) as { status?: string; detail?: string; error?: string | null };
    expect(run.status === "failed" || answer.status === 422, JSON.stringify(run)).toBe(true);
    expect(JSON.stringify(run)).toMatch(/not on a public address/);
  });

  it("stay the same for a while, so browsers cache the file", async () => {
    const hourly = await startGateway();
    try {
      const first = await outputsOf(hourly, { prompt: "cached", seed: 3 });
      const second = await outputsOf(hourly, { prompt: "cached", seed: 3 });
      expect(second).toEqual(first);
      const answer = await fetch(first[0] ?? "");
      const maxAge = Number(/max-age=(\d+)/.exec(answer.headers.get("cache-control") ?? "")?.[1]);
      expect(maxAge).toBeGreaterThan(24 * 3600 - 60);
      expect(maxAge).toBeLessThanOrEqual(25 * 3600);
    } finally {
      await hourly.close();
    }
  });
});

describe("GENGATE_PUBLIC_FILES=1", () => {
  it("keeps public, unsigned, never-expiring links", async () => {
    const gateway = await startGateway({ GENGATE_PUBLIC_FILES: "1" });
    try {
      const [link = ""] = await outputsOf(gateway, { prompt: "public" });
      expect(link).toMatch(new RegExp(`^${gateway.url}/files/[a-f0-9]{64}\\.webp$`));
      const answer = await fetch(link);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await gateway.store.settings.get("file_link_key")).toBeNull();
    } finally {
      await gateway.close();
    }
  });
});
