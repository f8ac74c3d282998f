/**
 * A submit whose answer is lost, at providers that cannot be asked for their work (RunPod, fal):
 * a proxy forwards the first submit and drops the answer. gengate never submits again; the job
 * is adopted when its marked webhook names it, and when nothing does within
 * GENGATE_UNCONFIRMED_START_WAIT_SECONDS the prediction fails saying it may have run upstream.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { type DroppingProxy, startDroppingProxy } from "./support/dropping-proxy.ts";
import { freePort } from "./support/free-port.ts";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

const WAIT_SECONDS = 2;
const dir = mkdtempSync(join(tmpdir(), "gengate-lost-submits-"));
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PredictionJson {
  id: string;
  status: string;
  output: string[] | null;
  error: string | null;
  logs: string;
}

/** gengate with `providers`, reachable by webhooks at its PUBLIC_URL unless `reachable` is false. */
async function gatewayBehind(
  env: Record<string, string>,
  providers: unknown,
  reachable = true,
): Promise<TestGateway> {
  const file = join(dir, `config-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ providers }));
  const port = await freePort();
  const gateway = await startGateway({
    PORT: String(port),
    ...(reachable && { PUBLIC_URL: `http://127.0.0.1:${port}` }),
    GENGATE_CONFIG: file,
    GENGATE_UNCONFIRMED_START_WAIT_SECONDS: String(WAIT_SECONDS),
    ...env,
  });
  closers.push(() => gateway.close());
  return gateway;
}

async function dropFirst(upstream: string, isSubmit: (path: string) => boolean): Promise<DroppingProxy> {
  const proxy = await startDroppingProxy(upstream, {
    drop: ({ method, path }) => method === "POST" && isSubmit(path),
  });
  closers.push(() => proxy.close());
  return proxy;
}

const authed = { authorization: `Bearer ${TEST_TOKEN}` };

async function create(url: string, model: string): Promise<string> {
  const created = await fetch(`${url}/v1/models/${model}/predictions`, {
    method: "POST",
    headers: authed,
    body: JSON.stringify({ input: { prompt: "a lighthouse", width: 64, height: 64 } }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as PredictionJson).id;
}

function ended(url: string, id: string): Promise<PredictionJson> {
  return until(async () => {
    const response = await fetch(`${url}/v1/predictions/${id}`, { headers: authed });
    const prediction = (await response.json()) as PredictionJson;
    return ["succeeded", "failed", "canceled"].includes(prediction.status) ? prediction : undefined;
  }, 20_000);
}

async function runToEnd(gateway: TestGateway, model: string): Promise<PredictionJson> {
  return ended(gateway.url, await create(gateway.url, model));
}

async function expectImage(url: string | undefined): Promise<void> {
  const response = await fetch(url ?? "");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^image\//);
}

function expectMayHaveRun(prediction: PredictionJson): void {
  expect(prediction.status).toBe("failed");
  expect(prediction.error).toMatch(/may have run/);
  expect(prediction.error).toMatch(/not submitted again/);
  expect(prediction.error).toContain(`${WAIT_SECONDS} s`);
}

describe("RunPod: a /run whose answer is lost", () => {
  let fake: FakeRunpod;
  beforeAll(async () => {
    fake = await startFakeRunpod({
      endpoints: {
        sd: { worker: "a1111", executionMs: 400 },
        slow: { worker: "a1111", executionMs: (WAIT_SECONDS + 3) * 1000 },
      },
      webhookRetryDelayMs: 200,
    });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  const providers = (endpointId: string) => ({
    runpod: { endpoints: { sdxl: { endpointId, worker: "a1111" } } },
  });
  const runs = () => fake.requests.filter((r) => r.operation === "run");

  it("is adopted when its marked webhook arrives: one job upstream, the prediction has its output", async () => {
    const proxy = await dropFirst(fake.url, (path) => path.endsWith("/run"));
    const gateway = await gatewayBehind(
      { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: proxy.url },
      providers("sd"),
    );

    const prediction = await runToEnd(gateway, "runpod/sdxl");
    expect(proxy.dropped).toHaveLength(1);
    expect(runs()).toHaveLength(1);
    expect(prediction.status).toBe("succeeded");
    expect(fake.jobs()).toHaveLength(1);
    await expectImage(prediction.output?.[0]);
  });

  it("fails within the bound when no webhook names it, saying it may have run, without a second /run", async () => {
    const proxy = await dropFirst(fake.url, (path) => path.endsWith("/run"));
    const gateway = await gatewayBehind(
      { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: proxy.url },
      providers("slow"),
    );

    const started = Date.now();
    const prediction = await runToEnd(gateway, "runpod/sdxl");
    expect(proxy.dropped).toHaveLength(1);
    expect(runs()).toHaveLength(1);
    expectMayHaveRun(prediction);
    expect(Date.now() - started).toBeLessThan((WAIT_SECONDS + 3) * 1000);
  });

  it("fails at once when no webhook can come (no PUBLIC_URL), without a second /run", async () => {
    const proxy = await dropFirst(fake.url, (path) => path.endsWith("/run"));
    const gateway = await gatewayBehind(
      { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: proxy.url },
      providers("sd"),
      false,
    );

    const prediction = await runToEnd(gateway, "runpod/sdxl");
    expect(proxy.dropped).toHaveLength(1);
    expect(runs()).toHaveLength(1);
    expect(prediction.status).toBe("failed");
    expect(prediction.error).toMatch(
      /without a PUBLIC_URL no webhook can identify the work: it may have run/,
    );
    expect(prediction.error).toMatch(/not submitted again/);
  });

  it("is not submitted again by the next process after a kill -9 while its /run was unanswered", async () => {
    const proxy = await startDroppingProxy(fake.url, {
      drop: ({ method, path }) => method === "POST" && path.endsWith("/run"),
      hold: true,
    });
    closers.push(() => proxy.close());
    const file = join(dir, "crash.json");
    writeFileSync(file, JSON.stringify({ providers: providers("sd") }));
    const env = {
      GENGATE_DATA_DIR: join(dir, "crash-data"),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_CONFIG: file,
      RUNPOD_API_KEY: fake.apiKey,
      RUNPOD_BASE_URL: proxy.url,
    };
    const first = await spawnServe(env);
    closers.push(async () => void first.child.kill("SIGKILL"));
    const id = await create(first.url, "runpod/sdxl");
    await until(() => (proxy.dropped.length === 1 ? true : undefined), 10_000);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = await spawnServe(env);
    closers.push(async () => void second.child.kill("SIGKILL"));
    const prediction = await ended(second.url, id);
    expect(runs()).toHaveLength(1);
    expect(prediction.status).toBe("failed");
    expect(prediction.error).toMatch(/\(the process submitting it stopped\).*it may have run/);
    expect(prediction.error).toMatch(/not submitted again/);
  }, 45_000);
});

describe("fal: a queue submit whose answer is lost", () => {
  let fake: FakeFal;
  beforeAll(async () => {
    fake = await startFakeFal({ queueMs: 100, runMs: 300 });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  const providers = { fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } } };
  const env = (queueUrl: string) => ({
    FAL_KEY: fake.key,
    FAL_QUEUE_URL: queueUrl,
    FAL_JWKS_URL: fake.jwksUrl,
  });

  it("is adopted when its signed, marked webhook arrives: one request upstream, the prediction has its output", async () => {
    const proxy = await dropFirst(fake.queueUrl, (path) => path.startsWith("/fal-ai/flux/dev"));
    const gateway = await gatewayBehind(env(proxy.url), providers);

    const prediction = await runToEnd(gateway, "fal/flux-dev");
    expect(proxy.dropped).toHaveLength(1);
    expect(fake.submits()).toHaveLength(1);
    expect(prediction.status).toBe("succeeded");
    await expectImage(prediction.output?.[0]);
  });

  it("fails within the bound when no webhook comes, saying it may have run, without a second submit", async () => {
    fake.faults.droppedWebhooks = 1;
    const proxy = await dropFirst(fake.queueUrl, (path) => path.startsWith("/fal-ai/flux/dev"));
    const gateway = await gatewayBehind(env(proxy.url), providers);

    const prediction = await runToEnd(gateway, "fal/flux-dev");
    expect(proxy.dropped).toHaveLength(1);
    expect(fake.submits()).toHaveLength(1);
    expectMayHaveRun(prediction);
  });
});
