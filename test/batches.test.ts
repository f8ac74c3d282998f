/** The batch API on a real gateway with the simulator: names, events, archive, cancel, retry, idempotency. */

import { validateWebhook } from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBuffer } from "yauzl";
import { hashApiToken, newApiToken } from "../src/core/api-tokens.ts";
import type { BatchItemJson, BatchJson } from "../src/core/batch-json.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { statementsDuring } from "./support/sql-statements.ts";
import { readSse } from "./support/sse.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

const SMALL = { width: 64, height: 64 };

let gateway: TestGateway;

beforeAll(async () => {
  // The batch webhook goes to a receiver on loopback.
  gateway = await startGateway({ GENGATE_ALLOW_PRIVATE_URLS: "1" });
});

afterAll(() => gateway.close());

async function createBatch(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return gateway.api("/v1/batches", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function created(body: unknown): Promise<BatchJson> {
  const response = await createBatch(body);
  expect(response.status).toBe(201);
  return (await response.json()) as BatchJson;
}

async function getBatch(id: string): Promise<BatchJson> {
  return (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
}

async function untilEnded(id: string): Promise<BatchJson> {
  for (;;) {
    const batch = await getBatch(id);
    if (batch.status !== "processing") return batch;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on("entry", (entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(files));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

describe("a batch", () => {
  it("runs every item, names outputs by the template, streams progress and zips the outputs", async () => {
    const prompts = ["A red fox", "Ünïcode café", "a red fox", "two outputs"];
    const batch = await created({
      model: "sim/image",
      input: SMALL,
      name_template: "{index:3}_{slug}.{ext}",
      items: prompts.map((prompt, i) => ({ input: { prompt, ...(i === 3 && { num_outputs: 2 }) } })),
    });
    expect(batch.counts.total).toBe(4);
    expect(batch.items?.map((item) => item.index)).toEqual([1, 2, 3, 4]);

    const events = await readSse(
      await gateway.api(`/v1/batches/${batch.id}/events`),
      (e) => e.event === "done",
    );
    const progress = events.filter((e) => e.event === "progress").map((e) => JSON.parse(e.data) as BatchJson);
    const finished = progress.map(({ counts }) => counts.succeeded + counts.failed + counts.canceled);
    expect(finished).toEqual([...finished].sort((a, b) => a - b));
    expect(finished.at(-1)).toBe(4);
    const itemEvents = events
      .filter((e) => e.event === "item")
      .map((e) => JSON.parse(e.data) as BatchItemJson);
    expect(new Set(itemEvents.map((item) => item.index))).toEqual(new Set([1, 2, 3, 4]));
    expect(events.at(-1)?.event).toBe("done");

    const ended = await getBatch(batch.id);
    expect(ended.status).toBe("completed");
    expect(ended.completed_at).not.toBeNull();
    expect(ended.counts).toMatchObject({ total: 4, succeeded: 4, failed: 0 });
    expect(ended.cost).toEqual({ usd: 0, unpriced_items: 0 });
    const names = ended.items?.flatMap((item) => item.outputs.map((output) => output.name));
    expect(names).toEqual([
      "001_a-red-fox.webp",
      "002_unicode-cafe.webp",
      "003_a-red-fox.webp",
      "004_two-outputs.webp",
      "004_two-outputs_2.webp",
    ]);

    const archive = await gateway.api(`/v1/batches/${batch.id}/archive`);
    expect(archive.headers.get("content-type")).toBe("application/zip");
    const files = await readZip(Buffer.from(await archive.arrayBuffer()));
    expect([...files.keys()]).toEqual(names);
    for (const item of ended.items ?? []) {
      for (const output of item.outputs) {
        const bytes = Buffer.from(await (await fetch(output.url)).arrayBuffer());
        expect(files.get(output.name)?.equals(bytes)).toBe(true);
      }
    }
  });

  it("reads its items once for the event stream, then follows them by their update events", async () => {
    // Ends spread over more than a second: several updates, each sent apart.
    const batch = await created({
      model: "sim/image",
      input: SMALL,
      items: Array.from({ length: 10 }, (_, i) => ({
        input: { prompt: `spread ${i}`, latency_ms: 150 * i },
      })),
    });
    let events: Awaited<ReturnType<typeof readSse>> = [];
    const statements = await statementsDuring(async () => {
      events = await readSse(await gateway.api(`/v1/batches/${batch.id}/events`), (e) => e.event === "done");
    });
    const progress = events.filter((e) => e.event === "progress").map((e) => JSON.parse(e.data) as BatchJson);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)?.counts).toMatchObject({ total: 10, succeeded: 10 });
    expect(events.filter((e) => e.event === "item")).toHaveLength(10);
    // Once at the start, and once more at most when an update came before that read ended.
    const itemReads = statements.filter((sql) => /from "batch_items"/i.test(sql) && /^select/i.test(sql));
    expect(itemReads.length).toBeLessThanOrEqual(2);
  });

  it("reports each failed item with its reason, and a retry runs only those again", async () => {
    const batch = await created({
      model: "sim/image",
      input: SMALL,
      items: [{ input: { prompt: "fine" } }, { input: { prompt: "broken", fail: "GPU on fire" } }],
    });
    const ended = await untilEnded(batch.id);
    expect(ended.status).toBe("completed");
    expect(ended.items?.map((item) => [item.status, item.error])).toEqual([
      ["succeeded", null],
      ["failed", "GPU on fire"],
    ]);

    const retried = (await (
      await gateway.api(`/v1/batches/${batch.id}/retry`, { method: "POST" })
    ).json()) as BatchJson;
    expect(retried.status).toBe("processing");
    const [fine, broken] = retried.items ?? [];
    expect(fine?.prediction_id).toBe(ended.items?.[0]?.prediction_id);
    expect(broken?.prediction_id).not.toBe(ended.items?.[1]?.prediction_id);
    const again = await untilEnded(batch.id);
    expect(again.status).toBe("completed");
    expect(again.items?.[1]).toMatchObject({ status: "failed", error: "GPU on fire" });
  });

  it("tells its webhook, signed, when it ends", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const batch = await created({
        model: "sim/image",
        input: SMALL,
        webhook: receiver.url,
        items: [{ input: { prompt: "hooked" } }, { input: { prompt: "hooked too" } }],
      });
      const [delivery] = await receiver.waitFor(1);
      const { key: secret } = (await (await gateway.api("/v1/webhooks/default/secret")).json()) as {
        key: string;
      };
      const headers = delivery?.headers ?? {};
      const signed = {
        id: String(headers["webhook-id"]),
        timestamp: String(headers["webhook-timestamp"]),
        signature: String(headers["webhook-signature"]),
        body: delivery?.body ?? "",
        secret,
      };
      expect(await validateWebhook(signed)).toBe(true);
      const sent = JSON.parse(signed.body) as BatchJson;
      expect(sent).toMatchObject({ id: batch.id, status: "completed", counts: { total: 2, succeeded: 2 } });
      expect(sent.items?.map((item) => item.outputs[0]?.name)).toEqual([
        "1_hooked.webp",
        "2_hooked-too.webp",
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("cancels queued and running items", async () => {
    const batch = await created({
      model: "sim/image",
      input: { ...SMALL, latency_ms: 30_000 },
      concurrency: 2,
      items: Array.from({ length: 6 }, (_, i) => ({ input: { prompt: `slow ${i}` } })),
    });
    await expect.poll(async () => (await getBatch(batch.id)).counts.processing, { timeout: 5_000 }).toBe(2);
    const response = await gateway.api(`/v1/batches/${batch.id}/cancel`, { method: "POST" });
    const canceled = (await response.json()) as BatchJson;
    expect(canceled.status).toBe("canceled");
    expect(canceled.counts).toMatchObject({ total: 6, canceled: 6 });
  });

  it("never runs more items at once than its concurrency", async () => {
    const batch = await created({
      model: "sim/image",
      input: { ...SMALL, latency_ms: 150 },
      concurrency: 2,
      items: Array.from({ length: 8 }, (_, i) => ({ input: { prompt: `capped ${i}` } })),
    });
    const ended = await untilEnded(batch.id);
    const spans = await Promise.all(
      (ended.items ?? []).map(async (item) => {
        const p = (await (await gateway.api(`/v1/predictions/${item.prediction_id}`)).json()) as {
          started_at: string;
          completed_at: string;
        };
        return [Date.parse(p.started_at), Date.parse(p.completed_at)] as const;
      }),
    );
    const mostAtOnce = Math.max(
      ...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length),
    );
    expect(mostAtOnce).toBe(2);
  });
});

describe("creating a batch", () => {
  it("checks every item first: a bad one fails the request, names its field and stores nothing", async () => {
    const before = await gateway.store.predictions.countByState();
    const response = await createBatch({
      input: SMALL,
      items: [
        { model: "sim/image", input: { prompt: "ok" } },
        { model: "sim/image", input: { prompt: "bad", width: "wide" } },
        { model: "sim/nope", input: { prompt: "x" } },
        { input: { prompt: "no model" } },
      ],
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(problem.invalid_fields.map((f) => f.field)).toEqual([
      "items[1].input.width",
      "items[2].model",
      "items[3].model",
    ]);
    expect(await gateway.store.predictions.countByState()).toEqual(before);
  });

  it("refuses a template that would give two items the same name", async () => {
    const response = await createBatch({
      model: "sim/image",
      name_template: "{slug}.{ext}",
      items: [{ input: { prompt: "same" } }, { input: { prompt: "other" } }, { input: { prompt: "Same" } }],
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string; invalid_fields: { field: string }[] };
    expect(problem.invalid_fields[0]?.field).toBe("name_template");
    expect(problem.detail).toContain("items 1 and 3");
  });

  it.each([
    [{ items: [] }, "items"],
    [{ model: "sim/image", items: [{ input: {} }], concurrency: 0 }, "concurrency"],
    [{ model: "sim/image", items: [{ input: {} }], name_template: "{nope:x}" }, "name_template"],
    [{ model: "sim/image", items: [{ input: {} }], webhook: "ftp://x" }, "webhook"],
    [{ model: "sim/image", items: [{ prompt: "flat" }] }, "items.0"],
  ])("answers 422 for %j naming %s", async (body, field) => {
    const response = await createBatch(body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(problem.invalid_fields.map((f) => f.field)).toContain(field);
  });

  it("with an Idempotency-Key, gives the same batch for the same request and refuses another", async () => {
    const body = { model: "sim/image", input: SMALL, items: [{ input: { prompt: "once" } }] };
    const key = { "idempotency-key": `key-${Date.now()}` };
    const first = await createBatch(body, key);
    expect(first.status).toBe(201);
    const again = await createBatch(body, key);
    expect(again.status).toBe(200);
    expect(((await again.json()) as BatchJson).id).toBe(((await first.json()) as BatchJson).id);
    const other = await createBatch({ ...body, items: [{ input: { prompt: "twice" } }] }, key);
    expect(other.status).toBe(409);
  });

  it("keeps batches private to the token that made them", async () => {
    const batch = await created({ model: "sim/image", input: SMALL, items: [{ input: { prompt: "mine" } }] });
    const secret = newApiToken();
    await gateway.store.tokens.create({
      name: "tenant",
      tokenHash: hashApiToken(secret),
      isAdmin: false,
    });
    const response = await fetch(`${gateway.url}/v1/batches/${batch.id}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(response.status).toBe(404);
  });
});

describe("POST /v1/batches/parse", () => {
  const parse = (body: unknown) =>
    gateway.api("/v1/batches/parse", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("reads a file by the rules of gengate batch, and creates nothing", async () => {
    const before = (await (await gateway.api("/v1/batches")).json()) as { results: unknown[] };
    const csv = await parse({
      name: "prompts.csv",
      text: 'prompt,seed,metadata.sku\n"a fox, running",4,A-1\nboat,,\n',
    });
    expect(csv.status).toBe(200);
    expect(await csv.json()).toEqual({
      items: [
        { input: { prompt: "a fox, running", seed: 4 }, metadata: { sku: "A-1" } },
        { input: { prompt: "boat" } },
      ],
    });
    const json = await parse({
      name: "p.json",
      text: JSON.stringify({ model: "sim/image", input: SMALL, items: [{ prompt: "a" }] }),
    });
    expect(await json.json()).toEqual({
      model: "sim/image",
      input: SMALL,
      items: [{ input: { prompt: "a" } }],
    });
    const lines = await parse({ name: "prompts.txt", text: "a red fox\n\na lighthouse\n" });
    expect(await lines.json()).toEqual({
      items: [{ input: { prompt: "a red fox" } }, { input: { prompt: "a lighthouse" } }],
    });
    const after = (await (await gateway.api("/v1/batches")).json()) as { results: unknown[] };
    expect(after.results).toHaveLength(before.results.length);
  });

  it("refuses a bad file with a 422 naming its line, and a body without a name", async () => {
    const bad = await parse({ name: "p.jsonl", text: '{"prompt": "a"}\n{"prompt": }\n' });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { detail: string; invalid_fields: { field: string }[] };
    expect(problem.detail).toMatch(/^p\.jsonl line 2: not valid JSON: /);
    expect(problem.invalid_fields).toEqual([expect.objectContaining({ field: "file" })]);
    const empty = await parse({ name: "empty.csv", text: "prompt\n" });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { detail: string }).detail).toBe("empty.csv: no items");
    const nameless = await parse({ text: "a" });
    expect(nameless.status).toBe(422);
    expect(((await nameless.json()) as { invalid_fields: { field: string }[] }).invalid_fields).toEqual([
      expect.objectContaining({ field: "name" }),
    ]);
  });
});
