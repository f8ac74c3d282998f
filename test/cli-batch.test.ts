/**
 * `gengate batch`, run as a child process against a stand-in for the batches API (the contract
 * of issue 6): just enough of it to create, resume, retry and follow batches and serve their files.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const TOKEN = "batch-test-token";
const ITEM_MS = 30;
const STATUSES = ["queued", "starting", "processing", "succeeded", "failed", "canceled"] as const;

interface Item {
  index: number;
  model: string;
  input: Record<string, unknown>;
  status: (typeof STATUSES)[number];
  prediction_id: string;
  error: string | null;
  outputs: { name: string; url: string }[];
  text?: string;
  tries: number;
}

interface Batch {
  id: string;
  body: Record<string, unknown>;
  status: "processing" | "completed";
  items: Item[];
  streams: Set<ServerResponse>;
}

/** The stand-in's memory, and what the CLI asked of it. */
const standIn = {
  url: "",
  batches: new Map<string, Batch>(),
  byKey: new Map<string, Batch>(),
  posts: [] as { key: string | undefined; status: number; body: Record<string, unknown> }[],
  retries: 0,
  eventConnections: 0,
  fileGets: [] as string[],
  /** Close the next event stream right after its first item event, as a dying server would. */
  dropNextStream: false,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type }).end(JSON.stringify(body));
}

const problem = (res: ServerResponse, status: number, title: string) =>
  send(res, status, { type: "about:blank", title, status, detail: title });

function counts(batch: Batch): Record<string, number> {
  const all: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const item of batch.items) all[item.status] = (all[item.status] ?? 0) + 1;
  return { total: batch.items.length, ...all };
}

/** Images cost $0.002 each; the text model has no price. */
function cost(batch: Batch): { usd: number; unpriced_items: number } {
  const succeeded = batch.items.filter((item) => item.status === "succeeded");
  const unpriced = succeeded.filter((item) => item.text !== undefined).length;
  return { usd: (succeeded.length - unpriced) * 0.002, unpriced_items: unpriced };
}

function batchJson(batch: Batch, withItems = true): Record<string, unknown> {
  const api = `${standIn.url}/v1/batches/${batch.id}`;
  const json: Record<string, unknown> = {
    id: batch.id,
    status: batch.status,
    created_at: new Date().toISOString(),
    completed_at: batch.status === "completed" ? new Date().toISOString() : null,
    name_template: batch.body.name_template ?? "{index}_{slug}.{ext}",
    concurrency: batch.body.concurrency ?? null,
    counts: counts(batch),
    cost: cost(batch),
    urls: {
      get: api,
      events: `${api}/events`,
      cancel: `${api}/cancel`,
      retry: `${api}/retry`,
      archive: `${api}/archive`,
    },
  };
  if (withItems) json.items = batch.items.map(itemJson);
  return json;
}

function itemJson({ tries: _, input: __, ...item }: Item): Omit<Item, "tries" | "input"> {
  return item;
}

const fileSafe = (value: unknown) =>
  String(value)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The contract's templates: {index[:N]}, {output[:N]}, {ext}, {slug}, {model} and input fields. */
function outputName(template: string, item: Item, output: number): string {
  const vars: Record<string, unknown> = { ...item.input, slug: item.input.prompt, model: item.model };
  let name = template.replace(/\{(\w+)(?::(\d))?\}/g, (_, variable: string, width?: string) => {
    if (variable === "index" || variable === "output") {
      return String(variable === "index" ? item.index : output).padStart(Number(width ?? 1), "0");
    }
    return variable === "ext" ? "png" : fileSafe(vars[variable]);
  });
  if (output > 1 && !template.includes("{output")) name = name.replace(/(\.[^.]*)?$/, `_${output}$1`);
  return name;
}

/** The simulated models: `fail_once` fails an item's first try, `num_outputs` makes several files. */
function finish(batch: Batch, item: Item): void {
  item.tries++;
  if (item.input.fail_once === true && item.tries === 1) {
    item.status = "failed";
    item.error = "Simulated failure on the first try";
  } else if (item.model === "sim/text") {
    item.status = "succeeded";
    item.text = `echo: ${item.input.prompt}`;
  } else {
    item.status = "succeeded";
    const n = Number(item.input.num_outputs ?? 1);
    const template = String(batch.body.name_template ?? "{index}_{slug}.{ext}");
    item.outputs = Array.from({ length: n }, (_, i) => ({
      name: outputName(template, item, i + 1),
      url: `${standIn.url}/files/${item.prediction_id}/${i + 1}`,
    }));
  }
  if (batch.items.every((i) => ["succeeded", "failed", "canceled"].includes(i.status))) {
    batch.status = "completed";
  }
  for (const stream of batch.streams) {
    sendEvent(stream, "item", itemJson(item));
    sendEvent(stream, "progress", { status: batch.status, counts: counts(batch), cost: cost(batch) });
    endIfDone(batch, stream);
  }
}

/** Runs the queued items one after another. */
function run(batch: Batch): void {
  const queued = batch.items.filter((item) => item.status === "queued");
  queued.forEach((item, i) => {
    setTimeout(() => finish(batch, item), ITEM_MS * (i + 1));
  });
}

/** Streams being dropped: their last item is on its way, and nothing follows it. */
const dropping = new WeakSet<ServerResponse>();
const isOpen = (stream: ServerResponse) => !stream.destroyed && !dropping.has(stream);

function sendEvent(stream: ServerResponse, event: string, data: unknown): void {
  if (!isOpen(stream)) return;
  const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  if (event !== "item" || !standIn.dropNextStream) {
    stream.write(text);
    return;
  }
  standIn.dropNextStream = false;
  dropping.add(stream);
  stream.write(text, () => stream.destroy());
}

function endIfDone(batch: Batch, stream: ServerResponse): void {
  if (batch.status === "processing" || !isOpen(stream)) return;
  sendEvent(stream, "done", batchJson(batch, false));
  stream.end();
  batch.streams.delete(stream);
}

function createBatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  const key = req.headers["idempotency-key"] as string | undefined;
  const existing = key === undefined ? undefined : standIn.byKey.get(key);
  if (existing && !isDeepStrictEqual(existing.body, body)) {
    problem(res, 409, "conflict");
    return;
  }
  standIn.posts.push({ key, status: existing ? 200 : 201, body });
  if (existing) {
    send(res, 200, batchJson(existing));
    return;
  }
  const items = body.items as { model?: string; input?: Record<string, unknown> }[];
  const batch: Batch = {
    id: randomUUID().slice(0, 8),
    body,
    status: "processing",
    streams: new Set(),
    items: items.map((item, i) => ({
      index: i + 1,
      model: item.model ?? String(body.model),
      input: { ...(body.input as object), ...item.input },
      status: "queued",
      prediction_id: randomUUID().slice(0, 8),
      error: null,
      outputs: [],
      tries: 0,
    })),
  };
  standIn.batches.set(batch.id, batch);
  if (key !== undefined) standIn.byKey.set(key, batch);
  run(batch);
  send(res, 201, batchJson(batch));
}

function retry(res: ServerResponse, batch: Batch): void {
  standIn.retries++;
  const failed = batch.items.filter((item) => item.status === "failed");
  for (const item of failed) {
    Object.assign(item, { status: "queued", error: null, prediction_id: randomUUID().slice(0, 8) });
  }
  if (failed.length > 0) batch.status = "processing";
  run(batch);
  send(res, 200, batchJson(batch));
}

function events(res: ServerResponse, batch: Batch): void {
  standIn.eventConnections++;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sendEvent(res, "progress", { status: batch.status, counts: counts(batch), cost: cost(batch) });
  for (const item of batch.items) {
    if (["succeeded", "failed", "canceled"].includes(item.status)) sendEvent(res, "item", itemJson(item));
  }
  if (!isOpen(res)) return;
  batch.streams.add(res);
  res.on("close", () => batch.streams.delete(res));
  endIfDone(batch, res);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", standIn.url).pathname;
  const file = /^\/files\/(\w+)\/(\d+)$/.exec(path);
  if (file && req.method === "GET") {
    standIn.fileGets.push(path);
    res.writeHead(200, { "content-type": "image/png" }).end(`bytes of ${file[1]}/${file[2]}`);
    return;
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return problem(res, 401, "unauthorized");
  if (path === "/v1/batches" && req.method === "POST") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return createBatch(req, res, JSON.parse(Buffer.concat(chunks).toString()));
  }
  const [, id, action] = /^\/v1\/batches\/(\w+)(?:\/(\w+))?$/.exec(path) ?? [];
  const batch = standIn.batches.get(id ?? "");
  if (!batch) return problem(res, 404, "not found");
  if (action === "events" && req.method === "GET") return events(res, batch);
  if (action === "retry" && req.method === "POST") return retry(res, batch);
  if (action === undefined && req.method === "GET") return send(res, 200, batchJson(batch));
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

function gengate(args: string[], cwd: string): Promise<Result> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_")),
  );
  const options = { cwd, env: { ...env, GENGATE_URL: standIn.url, GENGATE_TOKEN: TOKEN } };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], options, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gengate-batch-"));
  temps.push(dir);
  return dir;
}

beforeAll(async () => {
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  standIn.posts = [];
  standIn.retries = 0;
  standIn.eventConnections = 0;
  standIn.fileGets = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("gengate batch", () => {
  it("saves every output under the name the server gave it, and exits 0 when all succeed", async () => {
    const cwd = await tempDir();
    const lines = [
      { prompt: "a red fox" },
      { input: { prompt: "two cats", num_outputs: 2 } },
      { model: "sim/text", prompt: "hello there" },
    ];
    await writeFile(join(cwd, "items.jsonl"), lines.map((line) => JSON.stringify(line)).join("\n"));
    const args = ["--out", "out/run", "--param", "width=64", "--concurrency", "2"];
    const result = await gengate(["batch", "items.jsonl", ...args], cwd);

    expect(result.code, result.stderr).toBe(0);
    const out = join(cwd, "out/run");
    expect((await readdir(out)).sort()).toEqual(["1_a-red-fox.png", "2_two-cats.png", "2_two-cats_2.png"]);
    const batch = [...standIn.batches.values()].at(-1) as Batch;
    const [first, second] = batch.items;
    expect(await readFile(join(out, "1_a-red-fox.png"), "utf8")).toBe(`bytes of ${first?.prediction_id}/1`);
    expect(await readFile(join(out, "2_two-cats_2.png"), "utf8")).toBe(`bytes of ${second?.prediction_id}/2`);

    expect(standIn.posts).toHaveLength(1);
    expect(standIn.posts[0]?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(standIn.posts[0]?.body).toEqual({
      model: "sim/image",
      input: { width: 64 },
      items: [
        { input: { prompt: "a red fox" } },
        { input: { prompt: "two cats", num_outputs: 2 } },
        { model: "sim/text", input: { prompt: "hello there" } },
      ],
      name_template: "{index}_{slug}.{ext}",
      concurrency: 2,
    });

    expect(result.stdout).toMatch(/^status\s+items\nsucceeded\s+3\ntotal\s+3\n/);
    expect(result.stdout).toMatch(/\n3\s+sim\/text\s+echo: hello there\n/);
    expect(result.stdout).toContain("cost: $0.0040 (1 item without a price)");
    expect(result.stdout).toContain("outputs: out/run (3 files saved)");
    const progress = result.stderr.trim().split("\n");
    expect(progress[0]).toBe(`batch ${batch.id} created: 3 items`);
    expect(progress.at(-1)).toMatch(/^3\/3 done, 0 failed/);
  });

  it("resumes the same batch on a rerun: retries the failed item and skips the files already saved", async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, "prompts.csv"), "prompt,fail_once\na lighthouse,\na storm,true\na harbor,\n");
    const command = ["batch", "prompts.csv", "--out", "out"];

    const first = await gengate(command, cwd);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/\n2\s+sim\/image\s+failed\s+Simulated failure on the first try\n/);
    expect(first.stderr).toContain(
      "gengate: 1 failed and 0 canceled of 3 items; rerun the same command to retry the failed ones",
    );
    expect((await readdir(join(cwd, "out"))).sort()).toEqual(["1_a-lighthouse.png", "3_a-harbor.png"]);
    await writeFile(join(cwd, "out/1_a-lighthouse.png"), "kept");
    const firstGets = standIn.fileGets.length;

    const second = await gengate(command, cwd);
    expect(second.code, second.stderr).toBe(0);
    expect(standIn.posts.map((post) => post.status)).toEqual([201, 200]);
    expect(standIn.posts[1]?.key).toBe(standIn.posts[0]?.key);
    expect(standIn.retries).toBe(1);
    expect(second.stderr).toMatch(/^batch \w+ resumed: 3 items, retrying 1 failed\n/);
    expect((await readdir(join(cwd, "out"))).sort()).toEqual([
      "1_a-lighthouse.png",
      "2_a-storm.png",
      "3_a-harbor.png",
    ]);
    expect(await readFile(join(cwd, "out/1_a-lighthouse.png"), "utf8")).toBe("kept");
    expect(standIn.fileGets.length - firstGets).toBe(1);
    expect(second.stdout).toContain("outputs: out (1 file saved, 2 already there)");
  });

  it("connects again when the event stream drops, and leaves no partial files", async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, "prompts.txt"), "one\ntwo\n\nthree\nfour\n");
    standIn.dropNextStream = true;
    const result = await gengate(["batch", "prompts.txt", "--name", "{index:3}-{slug}.{ext}"], cwd);

    expect(result.code, result.stderr).toBe(0);
    expect(standIn.eventConnections).toBe(2);
    expect((await readdir(cwd)).sort()).toEqual([
      "001-one.png",
      "002-two.png",
      "003-three.png",
      "004-four.png",
      "prompts.txt",
    ]);
    expect(standIn.fileGets).toHaveLength(4);
    // The item replayed on reconnecting is the same prediction: not a file "already there".
    expect(result.stdout).toContain("outputs: . (4 files saved)\n");
  });

  it("names the file and line of a bad item, and creates nothing", async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, "bad.jsonl"), '{"prompt": "fine"}\n{"prompt": }\n');
    const result = await gengate(["batch", "bad.jsonl"], cwd);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gengate: bad\.jsonl line 2: not valid JSON: /);
    expect(standIn.posts).toHaveLength(0);
  });
});
