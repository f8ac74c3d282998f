/** The official `replicate` npm client, pointed at gengate with `baseUrl`, works unchanged. */
import { EventSourceParserStream } from "eventsource-parser/stream";
import Replicate, { parseProgressFromLogs, validateWebhook } from "replicate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedFileLink } from "./support/file-link.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let gateway: TestGateway;
let replicate: Replicate;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Webhooks go to a receiver on loopback.
  gateway = await startGateway({ GENGATE_SIM_LATENCY: "50", GENGATE_ALLOW_PRIVATE_URLS: "1" });
  replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  await gateway.close();
});

async function imageAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe("replicate client against gengate", () => {
  it("run() returns the outputs of a fast model", async () => {
    const output = (await replicate.run("sim/image", {
      input: { prompt: "a lighthouse", width: 96, height: 64, output_format: "png" },
    })) as string[];
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(signedFileLink(gateway.url, "png"));
    const meta = await imageAt(output[0] ?? "");
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 96, 64]);
  });

  it("run() falls back to polling for a model slower than the wait window", async () => {
    const { model } = await gateway.engine.providers.resolve({
      kind: "model",
      owner: "sim",
      name: "image",
    });
    const started = Date.now();
    const output = (await replicate.run(`sim/image:${model.versionId}`, {
      input: { prompt: "slow", width: 64, height: 64, latency_ms: 2500 },
      wait: { mode: "block", timeout: 1 },
    })) as string[];
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    expect(output).toHaveLength(1);
    expect((await imageAt(output[0] ?? "")).format).toBe("webp");
  });

  it("run() throws the prediction's error when it fails", async () => {
    await expect(replicate.run("sim/image", { input: { prompt: "x", fail: "out of ink" } })).rejects.toThrow(
      "Prediction failed: out of ink",
    );
  });

  it("parseProgressFromLogs() reads the simulator's progress while it runs", async () => {
    let prediction = await replicate.predictions.create({
      model: "sim/image",
      input: { prompt: "progress", width: 64, height: 64, latency_ms: 1200 },
    });
    const seen: number[] = [];
    while (!["succeeded", "failed", "canceled"].includes(prediction.status)) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      prediction = await replicate.predictions.get(prediction.id);
      const progress = parseProgressFromLogs(prediction);
      if (progress && prediction.status !== "succeeded") seen.push(progress.percentage);
    }
    expect(prediction.status).toBe("succeeded");
    expect(parseProgressFromLogs(prediction)).toEqual({ percentage: 1, current: 20, total: 20 });
    // Between the start and the end, the official client saw it move, never backwards.
    expect(seen.some((percentage) => percentage > 0 && percentage < 1)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("predictions.create, get, wait and cancel", async () => {
    const slow = await replicate.predictions.create({
      model: "sim/image",
      input: { prompt: "never finishes", latency_ms: 60_000 },
    });
    expect(slow.status).toBe("starting");
    const got = await replicate.predictions.get(slow.id);
    expect(got.id).toBe(slow.id);
    const canceled = await replicate.predictions.cancel(slow.id);
    expect(canceled.status).toBe("canceled");
    expect((await replicate.predictions.get(slow.id)).status).toBe("canceled");

    const quick = await replicate.predictions.create({
      model: "sim/image",
      input: { prompt: "quick", width: 64 },
    });
    const done = await replicate.wait(quick, { interval: 50 });
    expect(done.status).toBe("succeeded");
    expect(done.logs).toMatch(/^Using seed: \d+/m);
    const seed = Number(/^Using seed: (\d+)/m.exec(done.logs ?? "")?.[1]);
    expect((done as unknown as { gengate: { seed: number } }).gengate.seed).toBe(seed);
    expect(done.metrics?.predict_time).toBeGreaterThan(0);
  });

  it("paginate() walks every page of predictions through absolute next links", async () => {
    const created = new Set<string>();
    for (let i = 0; i < 105; i++) {
      const prediction = await replicate.predictions.create({
        model: "sim/image",
        input: { prompt: `page ${i}`, width: 64, height: 64 },
      });
      created.add(prediction.id);
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of replicate.paginate(() => replicate.predictions.list())) {
      pages++;
      seen.push(...page.map((p) => p.id));
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of created) expect(seen).toContain(id);
  });

  it("stream() yields the text model's tokens as they are produced", async () => {
    const arrivals: number[] = [];
    const tokens: string[] = [];
    const events: string[] = [];
    for await (const event of replicate.stream("sim/text", {
      input: { prompt: "once upon a time", max_tokens: 12, token_interval_ms: 60, seed: 7 },
    })) {
      events.push(event.event);
      if (event.event === "output") {
        tokens.push(event.data);
        arrivals.push(Date.now());
      }
    }
    expect(tokens).toHaveLength(12);
    expect(events.at(-1)).toBe("done");
    // tokens 60 ms apart arrive spread over time, not all at the end
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(400);
    const predictions = await replicate.predictions.list();
    const finished = predictions.results.find((p) => p.model === "sim/text");
    expect(finished && (await replicate.wait(finished, { interval: 50 })).output).toEqual(tokens);
  });

  it("a stream joined after the first tokens catches up, then gets each token as it comes", async () => {
    const created = await replicate.predictions.create({
      model: "sim/text",
      input: { prompt: "late joiner", max_tokens: 10, token_interval_ms: 30, seed: 3 },
      stream: true,
    });
    // Join between the pump's saves, once a few tokens have been published.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(created.urls.stream ?? "", { headers: { accept: "text/event-stream" } });
    if (!response.body) throw new Error("no event stream");
    const reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    const arrivals: number[] = [];
    const tokens: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      if (next.value.event === "done") break;
      if (next.value.event !== "output") continue;
      tokens.push(next.value.data);
      arrivals.push(Date.now());
    }
    await reader.cancel();
    expect(tokens).toHaveLength(10);
    const caughtUp = arrivals.filter((at) => at - (arrivals[0] ?? 0) < 15).length;
    const after = arrivals.slice(caughtUp);
    const gaps = after.map((at, i) => at - (i === 0 ? (arrivals[caughtUp - 1] ?? 0) : (after[i - 1] ?? 0)));
    expect(caughtUp, `arrivals ${arrivals.map((t) => t - (arrivals[0] ?? 0))}`).toBeLessThanOrEqual(5);
    expect(Math.min(...gaps), `arrivals ${arrivals.map((t) => t - (arrivals[0] ?? 0))}`).toBeGreaterThan(10);
  });

  it("validateWebhook() accepts what gengate delivered and rejects a tampered copy", async () => {
    const prediction = await replicate.predictions.create({
      model: "sim/image",
      input: { prompt: "webhook", width: 64, height: 64 },
      webhook: receiver.url,
      webhook_events_filter: ["completed"],
    });
    const [delivery] = await receiver.waitFor(1);
    const { key: secret } = await replicate.webhooks.default.secret.get();
    expect(secret).toMatch(/^whsec_/);
    const headers = delivery?.headers ?? {};
    const signed = {
      id: String(headers["webhook-id"]),
      timestamp: String(headers["webhook-timestamp"]),
      signature: String(headers["webhook-signature"]),
      body: delivery?.body ?? "",
      secret,
    };
    expect(JSON.parse(signed.body)).toMatchObject({ id: prediction.id, status: "succeeded" });
    expect(await validateWebhook(signed)).toBe(true);
    expect(await validateWebhook({ ...signed, body: signed.body.replace("succeeded", "failed") })).toBe(
      false,
    );
  });

  it("files.create() uploads a file that a prediction can take as input", async () => {
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const file = await replicate.files.create(png, { purpose: "test" });
    expect(file.urls.get).toBe(`${gateway.url}/v1/files/${file.id}`);
    expect(file.size).toBe(png.length);
    const output = (await replicate.run("sim/image", {
      input: { prompt: "from an upload", image: file.urls.get, width: 64, height: 64 },
    })) as string[];
    expect((await imageAt(output[0] ?? "")).width).toBe(64);
  });
});
