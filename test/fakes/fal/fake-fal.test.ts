import sharp from "sharp";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fake-fal.ts";

let fake: FakeFal;

beforeEach(async () => {
  fake ??= await startFakeFal({ queueMs: 150, runMs: 150 });
  fake.reset();
});

afterAll(async () => {
  await fake.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function falFetch(url: string, init: RequestInit = {}, key = fake.key): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { authorization: `Key ${key}`, "content-type": "application/json" },
  });
}

interface Submitted {
  request_id: string;
  status_url: string;
  response_url: string;
  cancel_url: string;
  queue_position: number;
}

async function submit(app: string, input: unknown, query = ""): Promise<Submitted> {
  const response = await falFetch(`${fake.queueUrl}/${app}${query}`, {
    method: "POST",
    body: JSON.stringify(input),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Submitted;
}

async function statusOf(job: Submitted): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await falFetch(`${job.status_url}?logs=1`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function untilCompleted(job: Submitted): Promise<Record<string, unknown>> {
  for (;;) {
    const { body } = await statusOf(job);
    if (body.status === "COMPLETED") return body;
    await sleep(25);
  }
}

describe("fake fal queue", () => {
  it("runs a job through the queue and serves real images on a separate origin", async () => {
    const first = await submit("fal-ai/flux/dev", { prompt: "a", image_size: { width: 64, height: 48 } });
    const job = await submit("fal-ai/flux/dev", {
      prompt: "b",
      image_size: { width: 64, height: 48 },
      num_images: 2,
      output_format: "png",
      seed: 7,
    });
    expect(first.queue_position).toBe(0);
    expect(job.queue_position).toBe(1);
    expect(job.status_url).toBe(`${fake.queueUrl}/fal-ai/flux/requests/${job.request_id}/status`);
    expect(job.response_url).toBe(`${fake.queueUrl}/fal-ai/flux/requests/${job.request_id}`);
    expect(job.cancel_url).toBe(`${job.response_url}/cancel`);

    const queued = await statusOf(job);
    expect(queued).toMatchObject({ code: 202, body: { status: "IN_QUEUE", queue_position: 1 } });
    expect((await falFetch(job.response_url)).status).toBe(400);

    await sleep(200);
    const running = await statusOf(job);
    expect(running).toMatchObject({ code: 202, body: { status: "IN_PROGRESS" } });
    expect((running.body.logs as unknown[])[0]).toMatchObject({
      message: 'Generating "b"',
      level: "INFO",
      source: "USER",
    });

    const done = await untilCompleted(job);
    expect(done.metrics).toEqual({ inference_time: 0.15 });
    expect((done.logs as unknown[]).length).toBe(5);

    const result = await falFetch(job.response_url);
    expect(result.headers.get("x-fal-request-id")).toBe(job.request_id);
    const output = (await result.json()) as { images: { url: string }[]; seed: number };
    expect(output).toMatchObject({
      seed: 7,
      prompt: "b",
      has_nsfw_concepts: [false, false],
      images: [
        { width: 64, height: 48, content_type: "image/png" },
        { width: 64, height: 48, content_type: "image/png" },
      ],
    });
    const url = output.images[0]?.url ?? "";
    expect(url.startsWith(`${fake.filesUrl}/files/`)).toBe(true);
    const image = await fetch(url);
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 64, 48]);

    fake.deleteFiles();
    expect((await fetch(url)).status).toBe(404);
  });

  it("wants Authorization: Key <key> and records requests without it", async () => {
    const response = await falFetch(
      `${fake.queueUrl}/fal-ai/flux/dev`,
      { method: "POST", body: "{}" },
      "wrong",
    );
    expect(response.status).toBe(401);
    const bare = await fetch(`${fake.queueUrl}/fal-ai/flux/dev`, { method: "POST", body: "{}" });
    expect(bare.status).toBe(401);
    expect(fake.jobs()).toEqual([]);
    expect(fake.requests[0]?.headers.authorization).toBe("Key [redacted]");
    expect(JSON.stringify(fake.requests)).not.toContain(fake.key);
  });

  it("reports invalid input when the job has run, in fal's 422 shape", async () => {
    const job = await submit("fal-ai/fast-sdxl", { num_images: 9 });
    await untilCompleted(job);
    const result = await falFetch(job.response_url);
    expect(result.status).toBe(422);
    expect(await result.json()).toEqual({
      detail: [
        { loc: ["body", "prompt"], msg: "field required", type: "value_error.missing" },
        {
          loc: ["body", "num_images"],
          msg: "ensure this value is between 1 and 4",
          type: "value_error.number",
        },
      ],
    });
    const notAnObject = await falFetch(`${fake.queueUrl}/fal-ai/fast-sdxl`, { method: "POST", body: "[1]" });
    expect(notAnObject.status).toBe(422);
  });

  it("cancels queued work and says when there is nothing to cancel", async () => {
    const job = await submit("fal-ai/flux/dev", { prompt: "x" });
    const cancel = await falFetch(job.cancel_url, { method: "PUT" });
    expect([cancel.status, await cancel.json()]).toEqual([202, { status: "CANCELLATION_REQUESTED" }]);
    expect((await statusOf(job)).body).toMatchObject({ status: "COMPLETED", error_type: "client_cancelled" });
    const again = await falFetch(job.cancel_url, { method: "PUT" });
    expect([again.status, await again.json()]).toEqual([400, { status: "ALREADY_COMPLETED" }]);
    const unknown = await falFetch(`${fake.queueUrl}/fal-ai/flux/requests/nope/cancel`, { method: "PUT" });
    expect(unknown.status).toBe(404);
    expect(fake.jobs()[0]).toMatchObject({ canceled: true, status: "COMPLETED" });
  });

  it("injects 5xx bursts, 429s, failing jobs and slow answers", async () => {
    fake.faults.serverErrors = { count: 2, status: 503, route: "submit" };
    const url = `${fake.queueUrl}/fal-ai/flux/dev`;
    const init = { method: "POST", body: JSON.stringify({ prompt: "x" }) };
    expect((await falFetch(url, init)).status).toBe(503);
    expect((await falFetch(url, init)).status).toBe(503);
    expect((await falFetch(url, init)).status).toBe(200);

    fake.faults.rateLimits = { count: 1, retryAfterSeconds: 3 };
    const limited = await falFetch(url, init);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);

    fake.faults.failures = {
      count: 1,
      message: "CUDA out of memory",
      errorType: "runner_server_error",
      httpStatus: 500,
    };
    const failing = await submit("fal-ai/flux/dev", { prompt: "x" });
    expect(await untilCompleted(failing)).toMatchObject({
      error: "CUDA out of memory",
      error_type: "runner_server_error",
    });
    const result = await falFetch(failing.response_url);
    expect(result.status).toBe(500);
    expect(result.headers.get("x-fal-error-type")).toBe("runner_server_error");
    expect(await result.json()).toEqual({ detail: "CUDA out of memory", error_type: "runner_server_error" });

    fake.faults.responseDelayMs = 150;
    const started = Date.now();
    await falFetch(failing.status_url);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("leaves no timers or sockets behind after close()", async () => {
    const baseline = activeResources();
    const other = await startFakeFal({ queueMs: 5_000, runMs: 5_000 });
    const hook = encodeURIComponent("http://127.0.0.1:9/hook");
    const response = await fetch(`${other.queueUrl}/fal-ai/flux/dev?fal_webhook=${hook}`, {
      method: "POST",
      headers: { authorization: `Key ${other.key}` },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(response.status).toBe(200);
    await other.close();
    await sleep(50);
    for (const [kind, count] of Object.entries(activeResources())) {
      expect({ kind, count }).toEqual({ kind, count: Math.min(count, baseline[kind] ?? 0) });
    }
  });
});

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
