/**
 * A RunPod vLLM endpoint through gengate's `/v1` API: tokens reach `urls.stream` while the job
 * still runs upstream, `max_tokens` is honoured, a cancel mid-stream cancels the job upstream,
 * and a waited prediction ends with the whole text and its token counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { readSse, type SseEvent } from "./support/sse.ts";

interface PredictionJson {
  id: string;
  status: string;
  output: string[] | null;
  urls: { stream?: string };
  metrics?: Record<string, number>;
}

const dir = mkdtempSync(join(tmpdir(), "gengate-runpod-vllm-"));
let fake: FakeRunpod;
let gateway: TestGateway;

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: { "vllm-qwen": { worker: "vllm", executionMs: 20, tokenIntervalMs: 20 } },
  });
  const configFile = join(dir, "gengate.config.json");
  const endpoint = { endpointId: "vllm-qwen", worker: "vllm", model: "Qwen/Qwen3-8B" };
  writeFileSync(configFile, JSON.stringify({ providers: { runpod: { endpoints: { qwen: endpoint } } } }));
  gateway = await startGateway({
    RUNPOD_API_KEY: fake.apiKey,
    RUNPOD_BASE_URL: fake.url,
    GENGATE_CONFIG: configFile,
  });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function create(input: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await gateway.api("/v1/models/runpod/qwen/predictions", {
    method: "POST",
    headers,
    body: JSON.stringify({ input }),
  });
  return { status: response.status, body: (await response.json()) as PredictionJson };
}

const openStream = (prediction: PredictionJson) =>
  fetch(prediction.urls.stream ?? "", { headers: { accept: "text/event-stream" } });
const outputs = (events: SseEvent[]) => events.filter((e) => e.event === "output").map((e) => e.data);
const messages = [
  { role: "system", content: "You are brief." },
  { role: "user", content: "Describe a harbor at dusk." },
];

describe("RunPod vLLM through gengate", () => {
  it("streams tokens to urls.stream while the job still runs upstream, up to max_tokens", async () => {
    const { status, body: prediction } = await create({ messages, max_tokens: 30, temperature: 0.3 });
    expect(status).toBe(201);
    expect(prediction.urls.stream).toBeDefined();
    const arrivals: Array<{ at: number; upstream: string | undefined }> = [];
    const events = await readSse(await openStream(prediction), (event) => {
      if (event.event === "output") arrivals.push({ at: Date.now(), upstream: fake.jobs()[0]?.status });
      return event.event === "done";
    });
    expect(arrivals[0]?.upstream).toBe("IN_PROGRESS");
    expect((arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThan(300);
    const tokens = outputs(events);
    expect(tokens).toHaveLength(30);
    expect(events.at(-1)).toEqual({ event: "done", data: "{}" });

    const [run] = fake.requests.filter((r) => r.operation === "run");
    expect(run?.body).toEqual({
      input: { messages, sampling_params: { max_tokens: 30, temperature: 0.3 }, stream: true },
    });
    const done = (await (await gateway.api(`/v1/predictions/${prediction.id}`)).json()) as PredictionJson;
    expect(done).toMatchObject({ status: "succeeded", output: tokens });
    expect(done.metrics).toMatchObject({ input_token_count: 10, output_token_count: 30 });
  });

  it("cancels the job upstream when the prediction is canceled mid-stream", async () => {
    const { body: prediction } = await create({ prompt: "Once upon a time", max_tokens: 2_000 });
    await readSse(await openStream(prediction), (event) => event.event === "output");
    const canceled = await gateway.api(`/v1/predictions/${prediction.id}/cancel`, { method: "POST" });
    expect(((await canceled.json()) as PredictionJson).status).toBe("canceled");
    const job = fake.jobs()[0];
    expect(job?.status).toBe("CANCELLED");
    expect(fake.requests.filter((r) => r.operation === "cancel").map((r) => r.jobId)).toEqual([job?.id]);
    const rest = await readSse(await openStream(prediction));
    expect(outputs(rest).length).toBeLessThan(2_000);
    expect(rest.at(-1)).toEqual({ event: "done", data: '{"reason":"canceled"}' });
  });

  it("answers a waited prediction with the whole text, and refuses input without messages or prompt", async () => {
    const { status, body } = await create(
      { prompt: "The tide", max_tokens: 12, stop: "zzz" },
      { prefer: "wait=30" },
    );
    expect(status).toBe(201);
    expect(body.status).toBe("succeeded");
    expect(body.output).toHaveLength(12);
    expect(body.output?.join("")).toMatch(/^[A-Z]\w*( \w+){11}$/);
    expect(body.metrics).toMatchObject({ input_token_count: 2, output_token_count: 12 });

    const refused = await create({ max_tokens: 5 });
    expect(refused.status).toBe(422);
    expect(fake.requests.filter((r) => r.operation === "run")).toHaveLength(1);
  });
});
