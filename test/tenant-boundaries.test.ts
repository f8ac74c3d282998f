/**
 * Tenants stay apart: an upload is read only by its token (whatever host its URL names) and only
 * until it expires, and a deleted or expired one is gone; a LoRA runs only for its owner however
 * it is named; each token signs its webhooks with a secret of its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";
import { verifySignature } from "../src/core/webhook-signature.ts";
import { jpegFiles, zipOf } from "../src/engine/training/photos/test-fixtures.ts";
import { newTenant, startGateway, type Tenant, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let gateway: TestGateway;
let receiver: WebhookReceiver;
let alice: Tenant;
let bob: Tenant;

beforeAll(async () => {
  // Webhooks go to a receiver on loopback.
  gateway = await startGateway({ GENGATE_ALLOW_PRIVATE_URLS: "1", GENGATE_SIM_TRAINING_MS: "200" });
  receiver = await startWebhookReceiver();
  alice = await newTenant(gateway, "alice");
  bob = await newTenant(gateway, "bob");
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
});

interface FileJson {
  id: string;
  checksums: { sha256: string };
  urls: { get: string };
}

const png = (seed: number) =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: { r: seed, g: 90, b: 30 } } })
    .png()
    .toBuffer();

async function upload(tenant: Tenant | TestGateway, data: Buffer, type = "image/png"): Promise<FileJson> {
  const form = new FormData();
  form.append("content", new Blob([new Uint8Array(data)], { type }), "upload");
  const response = await tenant.api("/v1/files", { method: "POST", body: form });
  expect(response.status).toBe(201);
  return (await response.json()) as FileJson;
}

const post = (
  tenant: Tenant | TestGateway,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  tenant.api(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const fieldsOf = async (response: Response) =>
  ((await response.json()) as { invalid_fields?: { field: string }[] }).invalid_fields?.map((f) => f.field);

/** The uploads' bytes on disk. */
const uploadedBlobs = async (dataDir = gateway.dataDir) =>
  (await readdir(join(dataDir, "files", "uploads"), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);

describe("uploads as inputs", () => {
  it("are read for their own token (or an admin) only, whatever host the URL names", async () => {
    const file = await upload(alice, await png(1));
    const elsewhere = `http://files.elsewhere.example/v1/files/${file.id}`;
    for (const url of [file.urls.get, elsewhere]) {
      const prediction = await post(bob, "/v1/models/sim/image/predictions", {
        input: { prompt: "borrowed", image: url, width: 64, height: 64 },
      });
      expect(prediction.status, url).toBe(422);
      expect(await fieldsOf(prediction)).toEqual(["input.image"]);
      const lora = await post(bob, "/v1/loras", { name: "borrowed", zip_url: url });
      expect(lora.status, url).toBe(422);
      expect(await fieldsOf(lora)).toEqual(["zip_url"]);
    }
    const trainer = (await (await bob.api("/v1/models/sim/lora-trainer")).json()) as {
      latest_version: { id: string };
    };
    const training = await post(
      bob,
      `/v1/models/sim/lora-trainer/versions/${trainer.latest_version.id}/trainings`,
      {
        destination: "sim-lora/borrowed",
        input: { input_images: elsewhere },
      },
    );
    expect(training.status).toBe(422);
    expect(await fieldsOf(training)).toEqual(["input.input_images"]);
    expect(await gateway.store.predictions.list({ tokenId: bob.id, limit: 10 })).toEqual([]);

    for (const owner of [alice, gateway]) {
      const own = await post(
        owner,
        "/v1/models/sim/image/predictions",
        { input: { prompt: "mine", image: elsewhere, width: 64, height: 64 } },
        { prefer: "wait" },
      );
      expect(((await own.json()) as { status: string }).status).toBe("succeeded");
    }
  });

  it("are public nowhere, and once deleted are gone unless another live upload holds the same bytes", async () => {
    const data = await png(2);
    const mine = await upload(alice, data);
    const theirs = await upload(bob, data);
    const asOutput = `${mine.checksums.sha256}.png`;
    expect((await fetch(`${gateway.url}/files/${asOutput}`)).status).toBe(403);
    // Even a validly signed link of that hash finds nothing: uploads are not among the stored outputs.
    expect((await fetch(`${gateway.url}${gateway.apiDeps.links.path(asOutput)}`)).status).toBe(404);
    expect((await alice.api(`/v1/files/${mine.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await alice.api(`/v1/files/${mine.id}/download`)).status).toBe(404);
    const kept = await bob.api(`/v1/files/${theirs.id}/download`);
    expect(Buffer.from(await kept.arrayBuffer())).toEqual(data);
    expect(await uploadedBlobs()).toContain(`${mine.checksums.sha256}.png`);
    expect((await bob.api(`/v1/files/${theirs.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await uploadedBlobs()).not.toContain(`${mine.checksums.sha256}.png`);
  });
});

describe("expired uploads", () => {
  it("are not served nor accepted, and are swept with their bytes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gengate-expiry-"));
    let own = await startGateway({}, dataDir);
    try {
      const carol = await newTenant(own, "carol");
      const file = await upload(carol, await png(3));
      await own.store.database.db
        .updateTable("files")
        .set({ expires_at: Date.now() - 1 })
        .where("id", "=", file.id)
        .execute();
      expect((await carol.api(`/v1/files/${file.id}`)).status).toBe(404);
      expect((await carol.api(`/v1/files/${file.id}/download`)).status).toBe(404);
      const listed = (await (await carol.api("/v1/files")).json()) as { results: FileJson[] };
      expect(listed.results.map((f) => f.id)).not.toContain(file.id);
      const prediction = await post(carol, "/v1/models/sim/image/predictions", {
        input: { prompt: "late", image: file.urls.get },
      });
      expect(prediction.status).toBe(422);
      expect(await fieldsOf(prediction)).toEqual(["input.image"]);

      // The sweep runs at start, then every minute.
      await own.close();
      own = await startGateway({}, dataDir);
      const swept = own;
      await until(async () => ((await swept.store.files.get(file.id)) === null ? true : undefined));
      expect(await uploadedBlobs(dataDir)).not.toContain(`${file.checksums.sha256}.png`);
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("a LoRA", () => {
  it("runs for its owner only, by name, model or version", async () => {
    const form = new FormData();
    form.append("name", "pepper");
    form.append("samples", "0");
    for (const photo of await jpegFiles(5))
      form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    const created = await alice.api("/v1/loras", { method: "POST", body: form });
    expect(created.status).toBe(201);
    const lora = await until(async () => {
      const json = (await (await alice.api("/v1/loras/pepper")).json()) as LoraJson;
      return json.status === "ready" ? json : undefined;
    });
    const version = lora.version ?? "";
    const [model = ""] = version.split(":");
    const input = { prompt: "x", width: 64, height: 64 };
    const attempts: [path: string, body: object][] = [
      ["/v1/predictions", { version, input }],
      ["/v1/predictions", { version: version.split(":")[1], input }],
      [`/v1/models/${model}/predictions`, { input }],
      ["/v1/predictions", { version: "lora:pepper", input }],
    ];
    for (const [path, body] of attempts) {
      expect((await post(bob, path, body)).status, `${path} ${JSON.stringify(body)}`).toBe(404);
      expect((await post(alice, path, body)).status, `${path} ${JSON.stringify(body)}`).toBe(201);
    }
    expect((await post(gateway, "/v1/predictions", { version, input })).status).toBe(201);
  });
});

describe("webhook secrets", () => {
  it("are one per token, and each token's deliveries verify with its own only", async () => {
    const secretOf = async (tenant: Tenant | TestGateway) =>
      ((await (await tenant.api("/v1/webhooks/default/secret")).json()) as { key: string }).key;
    const [aliceSecret, bobSecret, adminSecret] = [
      await secretOf(alice),
      await secretOf(bob),
      await secretOf(gateway),
    ];
    expect(new Set([aliceSecret, bobSecret, adminSecret]).size).toBe(3);
    expect(await secretOf(alice)).toBe(aliceSecret);

    receiver.received.length = 0;
    const hook = { webhook: receiver.url, webhook_events_filter: ["completed"] };
    const input = { prompt: "signed", width: 64, height: 64 };
    await post(alice, "/v1/models/sim/image/predictions", { input, ...hook });
    const [delivery] = await receiver.waitFor(1);
    const signed = {
      id: String(delivery?.headers["webhook-id"]),
      timestamp: String(delivery?.headers["webhook-timestamp"]),
      signature: String(delivery?.headers["webhook-signature"]),
    };
    const keyOf = (secret: string) => secret.slice("whsec_".length);
    expect(verifySignature(keyOf(aliceSecret), signed, delivery?.body ?? "")).toBe(true);
    expect(verifySignature(keyOf(bobSecret), signed, delivery?.body ?? "")).toBe(false);
    expect(verifySignature(keyOf(adminSecret), signed, delivery?.body ?? "")).toBe(false);
  });
});

describe("training data", () => {
  it("can be the owner's own upload", async () => {
    const zip = await upload(alice, await zipOf(await jpegFiles(4)), "application/zip");
    const trainer = (await (await alice.api("/v1/models/sim/lora-trainer")).json()) as {
      latest_version: { id: string };
    };
    const model = await post(alice, "/v1/models", {
      owner: "sim-lora",
      name: "own",
      visibility: "private",
      hardware: "cpu",
    });
    expect(model.status).toBe(201);
    const training = await post(
      alice,
      `/v1/models/sim/lora-trainer/versions/${trainer.latest_version.id}/trainings`,
      {
        destination: "sim-lora/own",
        input: { input_images: zip.urls.get, steps: 10 },
      },
    );
    expect(training.status).toBe(201);
  });
});
