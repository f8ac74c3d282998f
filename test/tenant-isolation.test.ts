/**
 * Isolation everywhere (issue 18): with one tenant's token owning one of everything, a second
 * tenant's token walks every route of the API with the first one's ids, names, hashes and files,
 * and reads nothing of them (no answer holds any of their ids or secrets) and changes nothing
 * (the owner's world reads the same after each call). An admin sees it all.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/api/app.ts";
import { jpegFiles, zipOf } from "../src/engine/training/photos/test-fixtures.ts";
import {
  type BobWorld,
  type Multipart,
  type PlainText,
  PROBES,
  type Probe,
} from "./support/isolation-probes.ts";
import { ALICE_MARKER, buildWorld, keyOf, secretsOf, snapshot, type World } from "./support/tenant-world.ts";

/** How many calls the table makes: an entry taken out shows here. */
const WALKED = 108;

let world: World;
let bob: BobWorld;
let before: unknown;
let secrets: string[];
let bobPng: Buffer;

const png = (red: number) =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: { r: red, g: 10, b: 10 } } })
    .png()
    .toBuffer();

const postJson = (
  api: World["bob"]["api"],
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  api(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  world = await buildWorld();
  bobPng = await png(20);
  const own = (await (
    await postJson(
      world.bob.api,
      "/v1/models/sim/image/predictions",
      { input: { prompt: "bob's own", width: 64, height: 64 } },
      { prefer: "wait" },
    )
  ).json()) as { output: string[] };
  const form = new FormData();
  form.append(
    "content",
    new Blob([new Uint8Array(await zipOf(await jpegFiles(4)))], { type: "application/zip" }),
  );
  const zip = (await (await world.bob.api("/v1/files", { method: "POST", body: form })).json()) as {
    urls: { get: string };
  };
  const trainer = (await (await world.bob.api("/v1/models/sim/lora-trainer")).json()) as {
    latest_version: { id: string };
  };
  bob = {
    ownLinkQuery: new URL(own.output[0] ?? "").search.slice(1),
    zipUrl: zip.urls.get,
    trainerVersion: trainer.latest_version.id,
  };
  secrets = secretsOf(world);
  before = await snapshot(world);
}, 120_000);

afterAll(() => world?.close());

const methodOf = (probe: Probe) => probe.method ?? probe.route.split(" ")[0] ?? "GET";
const isMultipart = (body: unknown): body is Multipart =>
  typeof body === "object" && body !== null && "multipart" in body;

const isPlainText = (body: unknown): body is PlainText =>
  typeof body === "object" && body !== null && "plainText" in body;

function bodyOf(body: unknown): { body?: BodyInit; headers: Record<string, string> } {
  if (body === undefined) return { headers: {} };
  if (isPlainText(body)) return { body: body.plainText, headers: { "content-type": "text/plain" } };
  if (!isMultipart(body))
    return { body: JSON.stringify(body), headers: { "content-type": "application/json" } };
  const form = new FormData();
  for (const [name, value] of Object.entries(body.multipart)) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(bobPng)], { type: "image/png" }), "image.png");
  }
  return { body: form, headers: {} };
}

function send(probe: Probe): Promise<Response> {
  const path = probe.path(world.a, bob);
  const { body, headers } = bodyOf(probe.body?.(world.a, bob));
  const init = {
    method: methodOf(probe),
    headers: { ...headers, ...probe.headers },
    ...(body !== undefined && { body }),
  };
  return probe.anonymous ? fetch(`${world.gateway.url}${path}`, init) : world.bob.api(path, init);
}

/** The answer's text, read for at most a moment: an event stream opened by mistake ends here. */
async function readCapped(response: Response, ms = 1_500): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const timer = setTimeout(() => void reader.cancel(), ms);
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

describe("a second tenant's token", () => {
  it("has an entry in the table for every route the API registers", () => {
    const app = createApp(world.gateway.apiDeps);
    const registered = new Set(
      app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
    );
    const probed = new Set(PROBES.map((probe) => probe.route));
    expect([...registered].filter((route) => !probed.has(route))).toEqual([]);
    expect([...probed].filter((route) => !registered.has(route))).toEqual([]);
    expect(PROBES).toHaveLength(WALKED);
  });

  it.each(PROBES.map((probe) => [`${methodOf(probe)} ${probe.path.toString()}`, probe] as const))(
    "%s: reads and changes nothing of another tenant's",
    async (_, probe) => {
      const response = await send(probe);
      const text = await readCapped(response);
      expect(response.status, text).toBe(probe.expect);
      // What bob sent may come back (an id in "not found"); nothing else of alice's may.
      const request = `${probe.path(world.a, bob)} ${JSON.stringify(probe.body?.(world.a, bob) ?? null)}`;
      for (const secret of secrets.filter((s) => !request.includes(s))) {
        expect(text, `the answer holds ${secret}`).not.toContain(secret);
      }
      if (!["GET", "HEAD"].includes(methodOf(probe))) expect(await snapshot(world)).toEqual(before);
    },
  );

  it("gets bytes alice also has as records of its own: neither side's delete takes the other's", async () => {
    const { a, alice } = world;
    const same = (await (
      await postJson(
        world.bob.api,
        "/v1/models/sim/image/predictions",
        { input: { prompt: `a fox ${ALICE_MARKER}`, seed: 7, width: 64, height: 64 } },
        { prefer: "wait" },
      )
    ).json()) as { id: string; output: string[] };
    expect(keyOf(same.output[0] ?? "")).toBe(a.done.outputKey);
    expect(same.id).not.toBe(a.done.id);
    expect((await world.bob.api(`/v1/predictions/${a.done.id}`)).status).toBe(404);
    const outputs = (await (await world.bob.api("/v1/outputs")).json()) as {
      results: { prediction_id: string }[];
    };
    expect(outputs.results.map((o) => o.prediction_id)).not.toContain(a.done.id);
    expect((await world.bob.api(`/v1/predictions/${same.id}/files`, { method: "DELETE" })).status).toBe(200);

    const form = new FormData();
    const download = await alice.api(`/v1/files/${a.file.id}/download`);
    form.append("content", new Blob([new Uint8Array(await download.arrayBuffer())], { type: "image/png" }));
    const copy = (await (await world.bob.api("/v1/files", { method: "POST", body: form })).json()) as {
      id: string;
      checksums: { sha256: string };
    };
    expect(copy.checksums.sha256).toBe(a.file.sha256);
    expect(copy.id).not.toBe(a.file.id);
    expect((await world.bob.api(`/v1/files/${a.file.id}`)).status).toBe(404);
    expect((await world.bob.api(`/v1/files/${copy.id}`, { method: "DELETE" })).status).toBe(204);

    expect(await snapshot(world)).toEqual(before);
    const done = (await (await alice.api(`/v1/predictions/${a.done.id}`)).json()) as { output: string[] };
    expect((await fetch(done.output[0] ?? "")).status).toBe(200);
  });
});

describe("an admin token", () => {
  it("sees alice's things", async () => {
    const { a, admin } = world;
    for (const path of [
      `/v1/predictions/${a.done.id}`,
      `/v1/predictions/${a.running.id}/webhooks`,
      `/v1/trainings/${a.training.id}`,
      `/v1/files/${a.file.id}`,
      `/v1/batches/${a.batchDone.id}`,
      `/v1/loras/${a.lora.id}`,
      `/v1/models/${a.lora.destination}`,
    ]) {
      expect((await admin.api(path)).status, path).toBe(200);
    }
    const listed = async (path: string) => JSON.stringify(await (await admin.api(path)).json());
    expect(await listed(`/v1/predictions?token=${a.tokenId}`)).toContain(a.done.id);
    expect(await listed("/v1/outputs")).toContain(a.done.id);
    expect(await listed("/v1/loras")).toContain(a.lora.id);
    expect(await listed("/v1/batches")).toContain(a.batchRunning.id);
    expect(await listed("/v1/files")).toContain(a.file.id);
    expect(await listed("/v1/trainings")).toContain(a.training.id);
  });
});
