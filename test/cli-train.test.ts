/**
 * `gengate train` and `gengate loras`, run as child processes against a stand-in for the LoRA API
 * (the contract of issue 7): it takes the multipart upload, then walks each LoRA through the
 * statuses its test scripted, one status a GET, and serves the training's logs and the samples.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const TOKEN = "train-test-token";
const PAGE_SIZE = 2;

/** A status of the LoRA, and the logs its training has by then. */
type Step = Partial<LoraJson> & { logs?: string };

interface StandInLora {
  json: LoraJson;
  /** What the POST answers, then each GET the next one; the last one stays. */
  script: Step[];
  gets: number;
}

interface Upload {
  fields: Record<string, string>;
  photos: { name: string; text: string }[];
}

/** The stand-in's memory, and what the CLI asked of it. Tests run at once, each with its own names. */
const standIn = {
  url: "",
  loras: [] as StandInLora[],
  scripts: new Map<string, Step[]>(),
  uploads: new Map<string, Upload>(),
  requests: [] as string[],
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, detail: string, invalid_fields?: unknown[]): void {
  send(res, status, { type: "about:blank", title: detail, status, detail, invalid_fields });
}

function newLora(name: string, fields: Record<string, string>, photos: number, script: Step[]): StandInLora {
  const id = `id-${name}`;
  const api = `${standIn.url}/v1/loras/${id}`;
  const json: LoraJson = {
    id,
    name,
    model: `lora:${name}`,
    trigger_word: fields.trigger_word ?? "TOK",
    provider: fields.provider ?? "replicate",
    trainer: fields.trainer ?? "ostris/flux-dev-lora-trainer:e440909d",
    params: JSON.parse(fields.params ?? "{}"),
    photos,
    status: "uploading",
    destination: null,
    training_id: null,
    version: null,
    weights: null,
    samples: [],
    error: null,
    created_at: "2026-03-01T10:00:00.000Z",
    completed_at: null,
    urls: { get: api, cancel: `${api}/cancel` },
  };
  const lora = { json, script, gets: 0 };
  standIn.loras.push(lora);
  return lora;
}

function current(lora: StandInLora): Step {
  return lora.script[Math.min(lora.gets, lora.script.length - 1)] ?? {};
}

function loraJson(lora: StandInLora): LoraJson {
  const { logs: _, ...step } = current(lora);
  return { ...lora.json, ...step };
}

const find = (ref: string) => standIn.loras.find((l) => l.json.id === ref || l.json.name === ref);

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function createLora(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("multipart/form-data")) return problem(res, 400, "body must be multipart/form-data");
  const form = await new Response(await readBody(req), { headers: { "content-type": type } }).formData();
  const upload: Upload = { fields: {}, photos: [] };
  for (const [field, value] of form) {
    if (typeof value === "string") upload.fields[field] = value;
    else if (field === "photos") upload.photos.push({ name: value.name, text: await value.text() });
  }
  const name = upload.fields.name ?? "";
  standIn.uploads.set(name, upload);
  const notImage = upload.photos.find((photo) => photo.text === "not an image");
  if (notImage) {
    const description = `"${notImage.name}" is not a JPEG, PNG, WebP or zip file`;
    return problem(res, 422, `The photos are not valid\n${description}`, [{ field: "photos", description }]);
  }
  if (find(name)) return problem(res, 409, `a LoRA named ${name} exists`);
  const lora = newLora(name, upload.fields, upload.photos.length, standIn.scripts.get(name) ?? [{}]);
  send(res, 201, loraJson(lora));
}

function listLoras(res: ServerResponse, cursor: number): void {
  const newestFirst = [...standIn.loras].reverse();
  const next =
    cursor + PAGE_SIZE < newestFirst.length ? `${standIn.url}/v1/loras?cursor=${cursor + PAGE_SIZE}` : null;
  const results = newestFirst.slice(cursor, cursor + PAGE_SIZE).map(loraJson);
  send(res, 200, { next, previous: null, results });
}

function training(res: ServerResponse, id: string): void {
  const lora = standIn.loras.find((l) => l.json.training_id === id || current(l).training_id === id);
  if (lora) send(res, 200, { id, status: "processing", logs: current(lora).logs ?? "" });
  else problem(res, 404, `training ${id} not found`);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", standIn.url);
  const path = url.pathname;
  if (path.startsWith("/files/") && req.method === "GET") {
    res.writeHead(200, { "content-type": "image/webp" }).end(`bytes of ${path}`);
    return;
  }
  standIn.requests.push(`${req.method} ${path}`);
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return problem(res, 401, "unauthorized");
  if (path === "/v1/loras" && req.method === "POST") return createLora(req, res);
  if (path === "/v1/loras" && req.method === "GET")
    return listLoras(res, Number(url.searchParams.get("cursor") ?? 0));
  const trainingId = /^\/v1\/trainings\/([\w-]+)$/.exec(path)?.[1];
  if (trainingId !== undefined && req.method === "GET") return training(res, trainingId);
  const [, ref = "", action] = /^\/v1\/loras\/([\w-]+)(?:\/(\w+))?$/.exec(path) ?? [];
  const lora = find(ref);
  if (!lora) return problem(res, 404, `lora ${ref} not found`);
  if (action === undefined && req.method === "GET") {
    lora.gets++;
    return send(res, 200, loraJson(lora));
  }
  if (action === "cancel" && req.method === "POST") {
    lora.json.status = "canceled";
    lora.script = [{}];
    return send(res, 200, loraJson(lora));
  }
  if (action === undefined && req.method === "DELETE") {
    standIn.loras = standIn.loras.filter((l) => l !== lora);
    res.writeHead(204).end();
    return;
  }
  problem(res, 404, "not found");
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => problem(res, 500, String(error)));
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const childOptions = (cwd: string) => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_")),
  );
  return { cwd, env: { ...env, GENGATE_URL: standIn.url, GENGATE_TOKEN: TOKEN } };
};

function gengate(args: string[], cwd: string): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], childOptions(cwd), (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Progress lines on stderr without their elapsed time. */
const steps = (stderr: string) =>
  stderr
    .trim()
    .split("\n")
    .map((line) => line.replace(/ \d+\.\ds$/, ""));

const requestsOf = (name: string) => standIn.requests.filter((request) => request.includes(name));

const temps: string[] = [];
async function photosDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gengate-train-"));
  temps.push(dir);
  await mkdir(join(dir, "me/old"), { recursive: true });
  for (const name of ["me/a.jpg", "me/b.png", "me/.DS_Store", "me/old/c.jpg", "more.zip"]) {
    await writeFile(join(dir, name), `photo ${name}`);
  }
  return dir;
}

beforeAll(async () => {
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.concurrent("gengate train", () => {
  it("uploads the photos and flags, shows every step, saves the samples and exits 0 when ready", async () => {
    const cwd = await photosDir();
    const sampleUrl = (n: number) => `${standIn.url}/files/ready-face/sample-${n}.webp`;
    const trained = { destination: "alice/ready-face", training_id: "t-ready" };
    const version = "alice/ready-face:v1";
    standIn.scripts.set("ready-face", [
      { status: "uploading" },
      { status: "creating_model", destination: trained.destination },
      {
        status: "training",
        ...trained,
        logs: "Loading\nflux_train_replicate:  45%|████▌ | 450/1000 [04:10<05:05]",
      },
      {
        status: "sampling",
        ...trained,
        version,
        samples: [
          { prompt: "sks in a forest", status: "succeeded", prediction_id: "s1", output: [sampleUrl(1)] },
          { prompt: "sks on a boat", status: "processing", prediction_id: "s2", output: null },
        ],
      },
      {
        status: "ready",
        ...trained,
        version,
        samples: [
          { prompt: "sks in a forest", status: "succeeded", prediction_id: "s1", output: [sampleUrl(1)] },
          { prompt: "sks on a boat", status: "succeeded", prediction_id: "s2", output: [sampleUrl(2)] },
        ],
      },
    ]);
    const flags = [
      "--name",
      "ready-face",
      "--trigger",
      "sks",
      "--provider",
      "replicate",
      "--trainer",
      "me/trainer",
    ];
    const params = ["--param", "steps=1000", "--param", "lora_rank=16", "--param", "autocaption=true"];
    const more = ["--samples", "2", "--webhook", "https://hooks.test/lora", "--out", "samples"];
    const result = await gengate(["train", "me", "more.zip", ...flags, ...params, ...more], cwd);

    expect(result.code, result.stderr).toBe(0);
    expect(standIn.uploads.get("ready-face")).toEqual({
      fields: {
        name: "ready-face",
        trigger_word: "sks",
        provider: "replicate",
        trainer: "me/trainer",
        params: '{"steps":1000,"lora_rank":16,"autocaption":true}',
        samples: "2",
        webhook: "https://hooks.test/lora",
      },
      photos: [
        { name: "a.jpg", text: "photo me/a.jpg" },
        { name: "b.png", text: "photo me/b.png" },
        { name: "more.zip", text: "photo more.zip" },
      ],
    });
    expect(steps(result.stderr)).toEqual([
      "ready-face sending 3 files",
      "ready-face uploading photos",
      "ready-face creating the model",
      "ready-face training 45% (450/1000 steps)",
      "ready-face making sample images 1/2",
      "ready-face ready",
    ]);
    expect(requestsOf("t-ready")).toEqual(["GET /v1/trainings/t-ready"]);
    expect(result.stdout).toBe(
      [
        "model: lora:ready-face",
        "trigger word: sks",
        `version: ${version}`,
        "sample: samples/ready-face-sample-1.webp",
        "sample: samples/ready-face-sample-2.webp",
        "",
      ].join("\n"),
    );
    expect((await readdir(join(cwd, "samples"))).sort()).toEqual([
      "ready-face-sample-1.webp",
      "ready-face-sample-2.webp",
    ]);
    expect(await readFile(join(cwd, "samples/ready-face-sample-2.webp"), "utf8")).toBe(
      "bytes of /files/ready-face/sample-2.webp",
    );
  });

  it("exits 1 with the server's error when the LoRA fails, and sends only the flags given", async () => {
    const cwd = await photosDir();
    standIn.scripts.set("failed-face", [
      { status: "uploading" },
      { status: "creating_model" },
      { status: "failed", error: "the trainer ran out of memory" },
    ]);
    const result = await gengate(["train", "me/a.jpg", "--name", "failed-face"], cwd);

    expect(result.code).toBe(1);
    expect(standIn.uploads.get("failed-face")?.fields).toEqual({ name: "failed-face" });
    expect(steps(result.stderr)).toEqual([
      "failed-face sending 1 file",
      "failed-face uploading photos",
      "failed-face creating the model",
      "failed-face failed",
      "gengate: lora failed-face failed: the trainer ran out of memory",
    ]);
    expect(result.stdout).toBe("");
  });

  it("exits 1 when the LoRA is canceled, and prints the sample URLs without --out", async () => {
    const cwd = await photosDir();
    standIn.scripts.set("canceled-face", [{ status: "uploading" }, { status: "canceled" }]);
    standIn.scripts.set("quick-face", [
      { status: "uploading" },
      {
        status: "ready",
        version: "alice/quick-face:v2",
        samples: [
          { prompt: "TOK", status: "succeeded", prediction_id: "s", output: ["https://cdn.test/s.png"] },
        ],
      },
    ]);
    const [canceled, ready] = await Promise.all([
      gengate(["train", "me", "--name", "canceled-face"], cwd),
      gengate(["train", "me", "--name", "quick-face"], cwd),
    ]);

    expect(canceled.code).toBe(1);
    expect(canceled.stderr).toMatch(/\ngengate: lora canceled-face was canceled\n$/);
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout).toBe(
      "model: lora:quick-face\ntrigger word: TOK\nversion: alice/quick-face:v2\nsample: https://cdn.test/s.png\n",
    );
    expect((await readdir(cwd)).sort()).toEqual(["me", "more.zip"]);
  });

  it("with --no-wait prints the id and status once created", async () => {
    const cwd = await photosDir();
    const result = await gengate(["train", "me", "--name", "later-face", "--no-wait"], cwd);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("id-later-face uploading\n");
    expect(requestsOf("later-face")).toEqual([]);
  });

  it("stops watching on Ctrl-C and leaves the training running", async () => {
    const cwd = await photosDir();
    standIn.scripts.set("slow-face", [
      { status: "uploading" },
      { status: "training", training_id: "t-slow", logs: "step 1/100" },
    ]);
    const child = spawn(process.execPath, [BIN, "train", "me", "--name", "slow-face"], childOptions(cwd));
    await readUntil(child, "training 1% (1/100 steps)");
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.kill("SIGINT");

    expect(await exited).toBe(130);
    expect(stderr).toContain(
      'gengate: stopped watching; the server carries on with lora slow-face: "gengate loras cancel slow-face" cancels it',
    );
    expect(requestsOf("slow-face").filter((request) => !request.startsWith("GET"))).toEqual([]);
  });

  it("shows the server's error naming a bad file, and a missing path before sending anything", async () => {
    const cwd = await photosDir();
    await writeFile(join(cwd, "me/notes.pdf"), "not an image");
    const bad = await gengate(["train", "me", "--name", "bad-face"], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'gengate: The photos are not valid (HTTP 422)\n  - photos: "notes.pdf" is not a JPEG, PNG, WebP or zip file\n',
    );

    const missing = await gengate(["train", "me", "nope", "--name", "missing-face"], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("gengate: nope: no such file or folder\n");
    expect(standIn.uploads.has("missing-face")).toBe(false);
  });
});

describe.concurrent("gengate loras", () => {
  it("lists every page, shows, cancels and deletes a LoRA by name", async () => {
    const cwd = await photosDir();
    newLora("listed-a", {}, 10, [{ status: "ready", version: "alice/listed-a:v1" }]);
    newLora("listed-b", { trigger_word: "zwx" }, 12, [{ status: "training" }]);
    newLora("listed-c", {}, 8, [{ status: "failed", error: "out of memory" }]);

    const list = await gengate(["loras", "list"], cwd);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^name\s+status\s+trigger\s+version\s+created$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^listed-a\s+ready\s+TOK\s+alice\/listed-a:v1\s+2026-03-01T10:00:00.000Z$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^listed-b\s+training\s+zwx\s+-\s+2026-03-01/));
    expect(lines).toContainEqual(expect.stringMatching(/^listed-c\s+failed\s+TOK\s+-\s+2026-03-01/));

    const show = await gengate(["loras", "show", "listed-b"], cwd);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: "id-listed-b", model: "lora:listed-b", photos: 12 });

    const cancel = await gengate(["loras", "cancel", "listed-b"], cwd);
    expect(cancel).toMatchObject({ code: 0, stdout: "canceled\n" });
    const remove = await gengate(["loras", "delete", "id-listed-a"], cwd);
    expect(remove).toMatchObject({ code: 0, stdout: "deleted lora id-listed-a\n" });
    expect(requestsOf("listed-").filter((request) => !request.startsWith("GET"))).toEqual([
      "POST /v1/loras/listed-b/cancel",
      "DELETE /v1/loras/id-listed-a",
    ]);

    const gone = await gengate(["loras", "show", "listed-a"], cwd);
    expect(gone).toMatchObject({ code: 1, stderr: "gengate: lora listed-a not found (HTTP 404)\n" });
  });
});

/** Resolves once the child has written `marker` to stderr. */
function readUntil(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((done, fail) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes(marker)) return;
      child.stderr?.off("data", onData);
      done();
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) => fail(new Error(`exited with ${code} before "${marker}": ${text}`)));
  });
}
