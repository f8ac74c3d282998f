/**
 * A gateway where one tenant's token ("alice", of tenant "acme") owns one of everything: finished
 * and running predictions, trainings and batches, an upload, a ready LoRA, a favourite and webhook
 * deliveries; and a second tenant's token ("bob", of tenant "globex") that owns nothing yet.
 * `snapshot` reads alice's world as she (and an admin) sees it, to show that nothing changed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import type { BatchJson } from "../../src/core/batch-json.ts";
import type { LoraJson } from "../../src/core/lora-json.ts";
import { jpegFiles, zipOf } from "../../src/engine/training/photos/test-fixtures.ts";
import { startGateway, type TestGateway } from "./gateway.ts";
import { until } from "./until.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

/** Written into alice's prompts: no answer to bob may hold it. */
export const ALICE_MARKER = "alicesecretmarker";
const SMALL = { width: 64, height: 64 };
export const METRICS_TOKEN = "isolation-metrics-token";
/** Long enough to still run when the test ends. */
const FOREVER_MS = 3_600_000;

/** A token as a client: its secret, and a fetch that sends it. */
export interface Caller {
  id: string;
  token: string;
  api(path: string, init?: RequestInit): Promise<Response>;
}

export interface AliceWorld {
  tokenId: string;
  tenantId: string;
  /** Succeeded, with one stored output (favourited, with webhook deliveries). */
  done: { id: string; outputKey: string };
  running: { id: string };
  training: { id: string; destination: string };
  file: { id: string; url: string; sha256: string };
  zip: { url: string };
  batchDone: { id: string; itemIds: string[] };
  batchRunning: { id: string };
  lora: { id: string; name: string; version: string; destination: string; weightsKey: string };
  secret: string;
}

export interface World {
  gateway: TestGateway;
  admin: Caller;
  alice: Caller;
  bob: Caller;
  a: AliceWorld;
  close(): Promise<void>;
}

const json = { "content-type": "application/json" };
const post = (caller: Caller, path: string, body: unknown, headers: Record<string, string> = {}) =>
  caller.api(path, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });

async function ok<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

function callerOf(gateway: () => TestGateway, id: string, token: string): Caller {
  return {
    id,
    token,
    api: (path, init = {}) =>
      fetch(`${gateway().url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      }),
  };
}

/** The blob key of a signed file link. */
export const keyOf = (url: string) => new URL(url).pathname.slice("/files/".length);

/** A token of a new tenant, both made through the admin API. */
async function issueToken(admin: Caller, tenant: string, name: string) {
  const { id: tenantId } = await ok<{ id: string }>(
    await post(admin, "/v1/admin/tenants", { name: tenant }),
    201,
  );
  const { id, token } = await ok<{ id: string; token: string }>(
    await post(admin, "/v1/admin/tokens", { name, tenant }),
    201,
  );
  return { id, token, tenantId };
}

async function upload(caller: Caller, data: Buffer, type: string) {
  const form = new FormData();
  form.append("content", new Blob([new Uint8Array(data)], { type }), "upload");
  return ok<{ id: string; urls: { get: string }; checksums: { sha256: string } }>(
    await caller.api("/v1/files", { method: "POST", body: form }),
    201,
  );
}

async function batchUntil(
  caller: Caller,
  id: string,
  done: (batch: BatchJson) => boolean,
): Promise<BatchJson> {
  return until(async () => {
    const batch = await ok<BatchJson>(await caller.api(`/v1/batches/${id}`));
    return done(batch) ? batch : undefined;
  });
}

async function statusUntil(caller: Caller, path: string, status: string): Promise<void> {
  await until(async () =>
    (await ok<{ status: string }>(await caller.api(path))).status === status ? true : undefined,
  );
}

/** What alice owns that finishes: made on a gateway whose sim trains in 200 ms. */
async function finishedWork(alice: Caller, receiver: WebhookReceiver) {
  const done = await ok<{ id: string; status: string; output: string[] }>(
    await post(
      alice,
      "/v1/models/sim/image/predictions",
      {
        input: { prompt: `a fox ${ALICE_MARKER}`, seed: 7, ...SMALL },
        webhook: receiver.url,
        webhook_events_filter: ["completed"],
      },
      { prefer: "wait" },
    ),
    201,
  );
  expect(done.status).toBe("succeeded");
  await receiver.waitFor(1);
  expect((await alice.api(`/v1/favorites/${done.id}/0`, { method: "PUT" })).status).toBe(204);

  const image = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 10, b: 10 } },
  })
    .png()
    .toBuffer();
  const file = await upload(alice, image, "image/png");
  const zip = await upload(alice, await zipOf(await jpegFiles(4)), "application/zip");

  const batch = await ok<BatchJson>(
    await post(alice, "/v1/batches", {
      model: "sim/image",
      input: SMALL,
      items: [
        { input: { prompt: `fine ${ALICE_MARKER}` } },
        { input: { prompt: `broken ${ALICE_MARKER}`, fail: "boom" } },
      ],
    }),
    201,
  );
  const batchDone = await batchUntil(alice, batch.id, (b) => b.status === "completed");

  const form = new FormData();
  form.append("name", "alice-pepper");
  form.append("samples", "0");
  for (const photo of await jpegFiles(5))
    form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
  const created = await ok<LoraJson>(await alice.api("/v1/loras", { method: "POST", body: form }), 201);
  const lora = await until(async () => {
    const json = await ok<LoraJson>(await alice.api(`/v1/loras/${created.id}`));
    return json.status === "ready" ? json : undefined;
  });
  return {
    done: { id: done.id, outputKey: keyOf(done.output[0] ?? "") },
    file: { id: file.id, url: file.urls.get, sha256: file.checksums.sha256 },
    zip: { url: zip.urls.get },
    batchDone: {
      id: batchDone.id,
      itemIds: (batchDone.items ?? []).map((item) => item.prediction_id ?? ""),
    },
    lora: {
      id: lora.id,
      name: lora.name,
      version: lora.version ?? "",
      destination: lora.destination ?? "",
      weightsKey: keyOf(lora.weights ?? ""),
    },
  };
}

/** What alice owns that is still running: made once the sim trains for an hour. */
async function runningWork(alice: Caller, zipUrl: string) {
  const running = await ok<{ id: string }>(
    await post(alice, "/v1/models/sim/image/predictions", {
      input: { prompt: `slow ${ALICE_MARKER}`, latency_ms: FOREVER_MS, ...SMALL },
    }),
    201,
  );
  const batch = await ok<BatchJson>(
    await post(alice, "/v1/batches", {
      model: "sim/image",
      input: SMALL,
      items: [{ input: { prompt: `slow item ${ALICE_MARKER}`, latency_ms: FOREVER_MS } }],
    }),
    201,
  );
  const trainer = await ok<{ latest_version: { id: string } }>(
    await alice.api("/v1/models/sim/lora-trainer"),
  );
  const destination = "sim-lora/alice-raw";
  await ok(
    await post(alice, "/v1/models", {
      owner: "sim-lora",
      name: "alice-raw",
      visibility: "private",
      hardware: "cpu",
      description: `trained by ${ALICE_MARKER}`,
    }),
    201,
  );
  const training = await ok<{ id: string }>(
    await post(alice, `/v1/models/sim/lora-trainer/versions/${trainer.latest_version.id}/trainings`, {
      destination,
      input: { input_images: zipUrl, steps: 10 },
    }),
    201,
  );
  await statusUntil(alice, `/v1/predictions/${running.id}`, "processing");
  await statusUntil(alice, `/v1/trainings/${training.id}`, "processing");
  await batchUntil(alice, batch.id, (b) => b.items?.[0]?.status === "processing");
  return {
    running: { id: running.id },
    batchRunning: { id: batch.id },
    training: { id: training.id, destination },
  };
}

export async function buildWorld(): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-isolation-"));
  // Webhooks go to a receiver on loopback.
  const env = {
    GENGATE_ALLOW_PRIVATE_URLS: "1",
    GENGATE_SIM_LATENCY: "0",
    GENGATE_METRICS_TOKEN: METRICS_TOKEN,
  };
  let gateway = await startGateway({ ...env, GENGATE_SIM_TRAINING_MS: "200" }, dataDir);
  const receiver = await startWebhookReceiver();
  const current = () => gateway;
  const admin = callerOf(current, "admin", gateway.token);
  const aliceToken = await issueToken(admin, "acme", "alice");
  const bobToken = await issueToken(admin, "globex", "bob");
  const alice = callerOf(current, aliceToken.id, aliceToken.token);
  const bob = callerOf(current, bobToken.id, bobToken.token);
  try {
    const finished = await finishedWork(alice, receiver);
    // A training's length is the sim's setting when it starts: the running ones start on a restart.
    await gateway.close();
    gateway = await startGateway({ ...env, GENGATE_SIM_TRAINING_MS: String(FOREVER_MS) }, dataDir);
    const running = await runningWork(alice, finished.zip.url);
    const { key: secret } = await ok<{ key: string }>(await alice.api("/v1/webhooks/default/secret"));
    const a: AliceWorld = {
      tokenId: alice.id,
      tenantId: aliceToken.tenantId,
      ...finished,
      ...running,
      secret,
    };
    return {
      gateway,
      admin,
      alice,
      bob,
      a,
      async close() {
        await gateway.close();
        await receiver.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await gateway.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Every id, name, hash and secret of alice's that bob must never read back. */
export function secretsOf(world: World): string[] {
  const { a, alice } = world;
  return [
    ALICE_MARKER,
    alice.id,
    alice.token,
    a.tenantId,
    a.done.id,
    a.done.outputKey.split(".")[0] ?? "",
    a.running.id,
    a.training.id,
    a.file.id,
    a.file.sha256,
    a.batchDone.id,
    ...a.batchDone.itemIds,
    a.batchRunning.id,
    a.lora.id,
    a.lora.name,
    a.lora.version.split(":")[1] ?? "",
    a.lora.weightsKey.split(".")[0] ?? "",
    a.training.destination,
    a.secret,
  ].filter((secret) => secret.length > 0);
}

type Json = Record<string, unknown>;
const pick = (value: Json, fields: readonly string[]) =>
  Object.fromEntries(fields.map((field) => [field, value[field]]));

/** Alice's world as she and an admin read it: what any change by bob would show in. */
export async function snapshot(world: World): Promise<unknown> {
  const { a, alice, admin, gateway } = world;
  const read = async (caller: Caller, path: string) => {
    const response = await caller.api(path);
    return { status: response.status, body: response.ok ? ((await response.json()) as Json) : null };
  };
  const prediction = async (id: string) => {
    const { status, body } = await read(alice, `/v1/predictions/${id}`);
    return { status, ...(body && pick(body, ["status", "output", "error", "completed_at"])) };
  };
  const batch = async (id: string) => {
    const { status, body } = await read(alice, `/v1/batches/${id}`);
    const items = ((body?.items ?? []) as Json[]).map((item) =>
      pick(item, ["prediction_id", "status", "error"]),
    );
    return { status, batchStatus: body?.status, items };
  };
  const list = async (path: string, fields: readonly string[]) =>
    ((await read(alice, path)).body?.results as Json[] | undefined)?.map((row) => pick(row, fields));
  const file = await read(alice, `/v1/files/${a.file.id}`);
  const lora = await read(alice, `/v1/loras/${a.lora.id}`);
  const token = await read(admin, `/v1/admin/tokens/${alice.id}`);
  const tenant = await read(admin, `/v1/admin/tenants/${a.tenantId}`);
  const blob = async (key: string) => (await gateway.apiDeps.storage.stat(key))?.size ?? null;
  return {
    predictions: await Promise.all([a.done.id, a.running.id, ...a.batchDone.itemIds].map(prediction)),
    training: await prediction(a.training.id),
    trainingModel: (await read(alice, `/v1/models/${a.training.destination}`)).body,
    batches: [await batch(a.batchDone.id), await batch(a.batchRunning.id)],
    predictionList: await list("/v1/predictions", ["id", "status"]),
    outputs: await list("/v1/outputs", ["prediction_id", "index", "favorite"]),
    favorites: await list("/v1/outputs?favorite=true", ["prediction_id", "index"]),
    webhooks: await list(`/v1/predictions/${a.done.id}/webhooks`, ["id", "state", "attempts"]),
    secret: (await read(alice, "/v1/webhooks/default/secret")).body,
    file: { status: file.status, sha256: (file.body?.checksums as Json | undefined)?.sha256 },
    download: (await alice.api(`/v1/files/${a.file.id}/download`)).status,
    lora: { status: lora.status, ...(lora.body && pick(lora.body, ["status", "version", "name"])) },
    loraList: await list("/v1/loras", ["id", "status"]),
    blobs: [await blob(a.done.outputKey), await blob(a.lora.weightsKey)],
    token: token.body && pick(token.body, ["revoked_at", "scopes", "tenant"]),
    tenant: tenant.body,
  };
}
