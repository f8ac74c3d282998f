/**
 * Retention on SQLite and PostgreSQL: with GENGATE_RETENTION=2s an ended prediction loses its
 * input, output, logs and files (gone from disk) and says `data_removed: true`, while a blob
 * shared with a prediction still kept stays; `X-Gengate-Retention` chooses per request;
 * `DELETE /v1/predictions/{id}/files` removes them now, for their owner only.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { expect, it } from "vitest";
import { newTenant, type Tenant, type TestGateway } from "./support/gateway.ts";
import { describeEachGateway } from "./support/gateway-backends.ts";
import { until } from "./support/until.ts";

interface PredictionJson {
  id: string;
  status: string;
  input: Record<string, unknown>;
  output: string[] | null;
  logs: string;
  data_removed: boolean;
}

type Caller = Pick<TestGateway, "api">;

async function runImage(
  who: Caller,
  input: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<PredictionJson> {
  const response = await who.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers: { prefer: "wait=10", ...headers },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  const prediction = (await response.json()) as PredictionJson;
  expect(prediction.status).toBe("succeeded");
  return prediction;
}

async function read(who: Caller, id: string): Promise<PredictionJson> {
  const response = await who.api(`/v1/predictions/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as PredictionJson;
}

/** Where local storage keeps the blob an output URL names (`<files>/ab/<key>`). */
function blobPath(gateway: TestGateway, url: string): string {
  const { pathname } = new URL(url);
  const key = pathname.slice(pathname.lastIndexOf("/") + 1);
  return join(gateway.dataDir, "files", key.slice(0, 2), key);
}

function expectRemoved(prediction: PredictionJson): void {
  expect(prediction).toMatchObject({ data_removed: true, input: {}, output: null, logs: "" });
}

function uploadForm(bytes: Buffer): FormData {
  const form = new FormData();
  form.set("content", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "mine.png");
  return form;
}

const image = (prompt: string, seed: number) => ({ prompt, seed, width: 64, height: 64 });

describeEachGateway(
  "retention",
  { GENGATE_RETENTION: "2s", GENGATE_RETENTION_SWEEP_SECONDS: "0.1" },
  (gateway) => {
    it("removes an old prediction's data and files, but keeps a blob another prediction still holds", async () => {
      const shared = image("a lighthouse kept by another", 7);
      const old = await runImage(gateway(), shared);
      const kept = await runImage(gateway(), shared, { "X-Gengate-Retention": "1h" });
      const alone = await runImage(gateway(), image("a lighthouse of its own", 8));
      const [sharedUrl] = kept.output ?? [];
      const [aloneUrl] = alone.output ?? [];
      if (!sharedUrl || !aloneUrl) throw new Error("no output files");
      expect(old.output).toEqual([sharedUrl]);
      expect(existsSync(blobPath(gateway(), aloneUrl))).toBe(true);

      // The rows say so first; the blobs nothing holds any more are deleted right after.
      const removed = await until(async () => {
        const [a, b] = [await read(gateway(), old.id), await read(gateway(), alone.id)];
        const gone = !existsSync(blobPath(gateway(), aloneUrl));
        return a.data_removed && b.data_removed && gone ? [a, b] : undefined;
      });
      for (const prediction of removed) expectRemoved(prediction);
      expect((await fetch(aloneUrl)).status).toBe(404);

      const still = await read(gateway(), kept.id);
      expect(still).toMatchObject({ data_removed: false, output: [sharedUrl], input: shared });
      expect(existsSync(blobPath(gateway(), sharedUrl))).toBe(true);
      expect((await fetch(sharedUrl)).status).toBe(200);
    });

    it("refuses a retention header that is not a duration, naming it, and creates nothing", async () => {
      const before = await gateway().store.predictions.list({ limit: 1000 });
      for (const value of ["forever", "0s", "1.5h", "3651d"]) {
        const response = await gateway().api("/v1/models/sim/image/predictions", {
          method: "POST",
          headers: { "X-Gengate-Retention": value },
          body: JSON.stringify({ input: image("never made", 1) }),
        });
        expect(response.status).toBe(400);
        const problem = (await response.json()) as { detail: string; invalid_fields: { field: string }[] };
        expect(problem.detail).toContain("X-Gengate-Retention");
        expect(problem.invalid_fields[0]?.field).toBe("X-Gengate-Retention");
      }
      expect(await gateway().store.predictions.list({ limit: 1000 })).toHaveLength(before.length);
    });

    it("removes a prediction's files now on DELETE, for its owner or an admin only, again and again", async () => {
      const alice: Tenant = await newTenant(gateway(), "alice");
      const bob: Tenant = await newTenant(gateway(), "bob");
      const mine = await runImage(alice, image("alice's own harbour", 11), { "X-Gengate-Retention": "1h" });
      const [url] = mine.output ?? [];
      if (!url) throw new Error("no output file");

      const theirs = await bob.api(`/v1/predictions/${mine.id}/files`, { method: "DELETE" });
      expect(theirs.status).toBe(404);
      expect((await read(alice, mine.id)).data_removed).toBe(false);
      expect(existsSync(blobPath(gateway(), url))).toBe(true);

      const response = await alice.api(`/v1/predictions/${mine.id}/files`, { method: "DELETE" });
      expect(response.status).toBe(200);
      expectRemoved((await response.json()) as PredictionJson);
      expect(existsSync(blobPath(gateway(), url))).toBe(false);
      expectRemoved(await read(alice, mine.id));

      const again = await alice.api(`/v1/predictions/${mine.id}/files`, { method: "DELETE" });
      expect(again.status).toBe(200);
      expectRemoved((await again.json()) as PredictionJson);

      const byAdmin = await runImage(bob, image("bob's harbour", 12), { "X-Gengate-Retention": "1h" });
      const admin = await gateway().api(`/v1/predictions/${byAdmin.id}/files`, { method: "DELETE" });
      expect(admin.status).toBe(200);
      expectRemoved(await read(bob, byAdmin.id));
      const missing = await alice.api("/v1/predictions/nosuchprediction/files", { method: "DELETE" });
      expect(missing.status).toBe(404);
    });
    it("removes the uploads made of its data-URL inputs once no prediction with data names them", async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "teal" } })
        .png()
        .toBuffer();
      const keep = { "X-Gengate-Retention": "1h" };
      const first = await runImage(
        gateway(),
        { ...image("an input of my own", 21), image: `data:image/png;base64,${png.toString("base64")}` },
        keep,
      );
      const link = String(first.input.image);
      expect(link).toMatch(/\/v1\/files\/[a-z0-9]+$/);
      const upload = `${new URL(link).pathname}`;
      const second = await runImage(gateway(), { ...image("the same input again", 22), image: link }, keep);
      const own = await gateway().api("/v1/files", { method: "POST", body: uploadForm(png) });
      const ownFile = (await own.json()) as { urls: { get: string } };
      const third = await runImage(
        gateway(),
        { ...image("a file uploaded on purpose", 23), image: ownFile.urls.get },
        keep,
      );

      await gateway().api(`/v1/predictions/${first.id}/files`, { method: "DELETE" });
      expect((await gateway().api(upload)).status).toBe(200);
      await gateway().api(`/v1/predictions/${second.id}/files`, { method: "DELETE" });
      expect((await gateway().api(upload)).status).toBe(404);
      await gateway().api(`/v1/predictions/${third.id}/files`, { method: "DELETE" });
      expect((await gateway().api(new URL(ownFile.urls.get).pathname)).status).toBe(200);
    });

    it("gives a batch's items the retention its request chose", async () => {
      const response = await gateway().api("/v1/batches", {
        method: "POST",
        headers: { "X-Gengate-Retention": "3d" },
        body: JSON.stringify({ model: "sim/image", items: [{ input: image("a batch item", 41) }] }),
      });
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      const [item] = await gateway().store.batches.items(id);
      expect(item?.prediction.retentionMs).toBe(3 * 86_400_000);
      const refused = await gateway().api("/v1/batches", {
        method: "POST",
        headers: { "X-Gengate-Retention": "soon" },
        body: JSON.stringify({ model: "sim/image", items: [{ input: image("never a batch", 42) }] }),
      });
      expect(refused.status).toBe(400);
    });

    it("refuses to remove the data of a prediction that has not ended", async () => {
      const response = await gateway().api("/v1/models/sim/image/predictions", {
        method: "POST",
        body: JSON.stringify({ input: { ...image("slow to end", 31), latency_ms: 60_000 } }),
      });
      const { id } = (await response.json()) as PredictionJson;
      const refused = await gateway().api(`/v1/predictions/${id}/files`, { method: "DELETE" });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { detail: string }).detail).toContain("has not ended");
      expect((await read(gateway(), id)).data_removed).toBe(false);
      await gateway().api(`/v1/predictions/${id}/cancel`, { method: "POST" });
    });
  },
);
