/**
 * `kill -9` of `gengate serve` while fal requests are in flight: after a restart every prediction
 * finishes from its stored operation, and the fake's recorded submits show none was sent twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const COUNT = 8;
const authed = { authorization: `Bearer ${TEST_TOKEN}` };

let fake: FakeFal;
let dir: string;
const processes: ServeProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gengate-fal-crash-"));
  fake = await startFakeFal({ queueMs: 1_500, runMs: 1_000 });
});

afterAll(async () => {
  for (const { child } of processes) child.kill("SIGKILL");
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

interface PredictionJson {
  id: string;
  status: string;
  output: string[] | null;
}

async function predictionAt(url: string, id: string): Promise<PredictionJson> {
  return (await (await fetch(`${url}/v1/predictions/${id}`, { headers: authed })).json()) as PredictionJson;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("fal crash recovery", () => {
  it("finishes in-flight fal requests after kill -9 without submitting any twice", async () => {
    const file = join(dir, "gengate.config.json");
    writeFileSync(
      file,
      JSON.stringify({ providers: { fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } } } }),
    );
    const env = {
      GENGATE_DATA_DIR: join(dir, "data"),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_CONFIG: file,
      FAL_KEY: fake.key,
      FAL_QUEUE_URL: fake.queueUrl,
      FAL_JWKS_URL: fake.jwksUrl,
    };
    const first = await spawnServe(env);
    processes.push(first);
    const ids = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const response = await fetch(`${first.url}/v1/models/fal/flux-dev/predictions`, {
          method: "POST",
          headers: authed,
          body: JSON.stringify({ input: { prompt: `crash ${i}`, width: 64, height: 64 } }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      }),
    );

    // A status poll of a request means gengate stored its operation (only running rows are polled).
    const polled = () =>
      fake
        .jobs()
        .filter((job) => fake.requests.some((r) => r.path.endsWith(`/requests/${job.requestId}/status`)));
    await until(() => polled().length === COUNT, 10_000);
    expect(fake.jobs().filter((job) => job.status === "COMPLETED")).toEqual([]);

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = await spawnServe(env);
    processes.push(second);
    let after: PredictionJson[] = [];
    await until(async () => {
      after = await Promise.all(ids.map((id) => predictionAt(second.url, id)));
      return after.every((p) => p.status === "succeeded");
    }, 20_000);

    const prompts = fake.submits().map((submit) => (submit.body as { prompt: string }).prompt);
    expect(prompts.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `crash ${i}`).sort());
    fake.deleteFiles();
    const image = await fetch(after[0]?.output?.[0] ?? "");
    expect(image.headers.get("content-type")).toBe("image/jpeg");
  }, 45_000);
});
