/**
 * fal's signed webhooks into gengate (`POST /hooks/fal`): with status polls failing, only a
 * webhook whose Ed25519 signature checks out can finish a prediction.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate, { type Prediction } from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { freePort } from "./support/free-port.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let fake: FakeFal;
let gateway: TestGateway;
let replicate: Replicate;
let dir: string;
let publicUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gengate-fal-hooks-"));
  const file = join(dir, "gengate.config.json");
  writeFileSync(
    file,
    JSON.stringify({ providers: { fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } } } }),
  );
  fake = await startFakeFal({ queueMs: 50, runMs: 150 });
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  gateway = await startGateway({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    FAL_KEY: fake.key,
    FAL_QUEUE_URL: fake.queueUrl,
    FAL_JWKS_URL: fake.jwksUrl,
    GENGATE_CONFIG: file,
  });
  replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

const create = () =>
  replicate.predictions.create({ model: "fal/flux-dev", input: { prompt: "hook", width: 64, height: 64 } });
const get = (id: string) => replicate.predictions.get(id);

describe("fal webhooks", () => {
  it("applies a signed webhook, refuses a tampered one and fetches the keys once", async () => {
    fake.faults.serverErrors = { count: Number.POSITIVE_INFINITY, status: 503, route: "status" };

    const first = await create();
    const done = await until(
      () => get(first.id),
      (p) => p.status === "succeeded",
    );
    const [submit] = fake.submits();
    expect(submit?.query.fal_webhook).toMatch(
      new RegExp(`^${publicUrl}/hooks/fal\\?prediction=${first.id}&submit=[a-z2-7]{26}&token=[\\w-]{43}$`),
    );
    // fal records its delivery once gengate has answered it
    await until(
      () => fake.webhooks.length,
      (count) => count === 1,
    );
    expect(fake.webhooks[0]?.status).toBe(200);
    fake.deleteFiles();
    const image = await fetch((done.output as string[])[0] ?? "");
    expect(image.headers.get("content-type")).toBe("image/jpeg");

    fake.faults.droppedWebhooks = 1;
    const second = await create();
    const job = await until(
      () => fake.jobs()[1],
      (j) => j?.status === "COMPLETED",
    );
    const genuine = fake.webhooks[0];
    const tampered = (genuine?.body ?? "").replace(genuine?.requestId ?? "", job?.requestId ?? "");
    const refused = await fetch(`${publicUrl}/hooks/fal`, {
      method: "POST",
      headers: genuine?.headers,
      body: tampered,
    });
    expect(refused.status).toBe(401);
    const unchanged: Prediction = await get(second.id);
    expect(unchanged.status).not.toBe("succeeded");
    expect(unchanged.output).toBeNull();

    // fal's own (signed) delivery of the same job still gets through.
    const result = await fetch(`${fake.queueUrl}/fal-ai/flux/requests/${job?.requestId}`, {
      headers: { authorization: `Key ${fake.key}` },
    });
    const body = JSON.stringify({
      request_id: job?.requestId,
      gateway_request_id: job?.requestId,
      status: "OK",
      payload: await result.json(),
    });
    const accepted = await fetch(`${publicUrl}/hooks/fal`, {
      method: "POST",
      headers: { "content-type": "application/json", ...fake.signWebhook(job?.requestId ?? "", body) },
      body,
    });
    expect(accepted.status).toBe(200);
    await until(
      () => get(second.id),
      (p) => p.status === "succeeded",
    );
    expect(fake.jwksFetches()).toBe(1);
  });

  it("fails a prediction from an ERROR webhook", async () => {
    fake.reset();
    fake.faults.serverErrors = { count: Number.POSITIVE_INFINITY, status: 503, route: "status" };
    fake.faults.failures = {
      count: 1,
      message: "Runner disconnected",
      errorType: "runner_disconnected",
      httpStatus: 503,
    };
    const prediction = await create();
    const failed = await until(
      () => get(prediction.id),
      (p) => p.status === "failed",
    );
    expect(failed.error).toBe("Runner disconnected");
    await until(
      () => fake.webhooks.length,
      (count) => count === 1,
    );
    expect(fake.webhooks[0]?.status).toBe(200);
  });
});
