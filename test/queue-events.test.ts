/**
 * Queue mode's wake-ups and events across real processes (two api nodes, one worker, PostgreSQL
 * LISTEN/NOTIFY): work created on any api node starts at once; `Prefer: wait`, the prediction
 * stream (with late readers), the batch event stream and OpenAI streaming work on every api node
 * for work running on the worker (cluster/pg-event-bus.test.ts shows the fall back to the database).
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import { readSse } from "./support/sse.ts";

interface Json {
  id: string;
  status: string;
  output: unknown;
  created_at: string;
  started_at: string | null;
  urls: { stream?: string };
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;
const json = { ...authed, "content-type": "application/json" };

describe.skipIf(skip)("queue mode: events and wake-ups across processes", () => {
  let cluster: QueueCluster;
  let a: string;
  let b: string;

  beforeAll(async () => {
    cluster = await startQueueCluster();
    const [first, second] = await Promise.all([
      cluster.spawn("api"),
      cluster.spawn("api"),
      cluster.spawn("worker"),
    ]);
    a = first.url;
    b = second.url;
  });

  afterAll(() => cluster?.close());

  const create = async (node: string, model: string, input: Record<string, unknown>, headers = {}) => {
    const response = await fetch(`${node}/v1/models/${model}/predictions`, {
      method: "POST",
      headers: { ...json, ...headers },
      body: JSON.stringify({ input, stream: true }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Json;
  };

  it("starts work created on either api node at once, and answers Prefer: wait when it ends", async () => {
    const pickups: number[] = [];
    for (let i = 0; i < 20; i++) {
      const node = i % 2 === 0 ? a : b;
      const started = performance.now();
      const done = await create(
        node,
        "sim/image",
        { prompt: `p${i}`, width: 64, height: 64 },
        { prefer: "wait=5" },
      );
      const tookMs = performance.now() - started;
      expect(done.status).toBe("succeeded");
      // Polling would find it within a second; a wait that missed its event would last the whole 5 s.
      expect(tookMs).toBeLessThan(4_000);
      pickups.push(Date.parse(done.started_at ?? "") - Date.parse(done.created_at));
    }
    pickups.sort((x, y) => x - y);
    const median = pickups[pickups.length / 2] ?? Number.NaN;
    expect(median, `pickups ${pickups.join(", ")} ms`).toBeLessThan(250);
  });

  it("streams tokens live on another node, and a late reader catches up, then gets the rest", async () => {
    const created = await create(a, "sim/text", {
      prompt: "far",
      max_tokens: 12,
      token_interval_ms: 60,
      seed: 5,
    });
    const streamOn = (node: string) =>
      fetch(`${node}/v1/predictions/${created.id}/stream`, { headers: { accept: "text/event-stream" } });
    const early = readSse(await streamOn(b), (event) => event.event === "done");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = readSse(await streamOn(a), (event) => event.event === "done");
    const tokensOf = (events: { event: string; data: string }[]) =>
      events.filter((event) => event.event === "output").map((event) => event.data);
    const [earlyEvents, lateEvents] = await Promise.all([early, late]);
    const final = (await (
      await fetch(`${a}/v1/predictions/${created.id}`, { headers: authed })
    ).json()) as Json;
    expect(final.status).toBe("succeeded");
    expect(final.output).toHaveLength(12);
    expect(tokensOf(earlyEvents)).toEqual(final.output);
    expect(tokensOf(lateEvents)).toEqual(final.output);
  });

  it("streams an OpenAI chat completion on an api node for work on the worker", async () => {
    const openai = new OpenAI({ baseURL: `${b}/openai/v1`, apiKey: TEST_TOKEN });
    const stream = await openai.chat.completions.create({
      model: "sim/text",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 8,
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe("length");
  });

  it("follows a batch to its end on the event stream of the node that did not create it", async () => {
    const response = await fetch(`${a}/v1/batches`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        model: "sim/image",
        input: { width: 64, height: 64 },
        items: Array.from({ length: 5 }, (_, i) => ({ input: { prompt: `item ${i}` } })),
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const events = await readSse(
      await fetch(`${b}/v1/batches/${id}/events`, { headers: authed }),
      (event) => event.event === "done",
    );
    expect(events.at(-1)?.event).toBe("done");
  });
});
