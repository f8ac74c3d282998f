/**
 * Local tool jobs in queue mode: a job lives in the memory of the worker process running it. When
 * that worker dies (kill -9), another worker runs the job again, once its lease lapses, and the
 * prediction succeeds with its output readable; while the first worker lives, no other runs it.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import type { ServeProcess } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

interface Json {
  id: string;
  status: string;
  output: string | null;
  error: string | null;
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;
const RERUN = "running a local job again";

let cluster: QueueCluster | undefined;
afterAll(() => cluster?.close());

/** Its output, as it writes it, from now on. */
function logsOf(process: ServeProcess): { text: string } {
  const logs = { text: "" };
  process.child.stdout?.on("data", (chunk: Buffer) => {
    logs.text += chunk.toString();
  });
  return logs;
}

/** The pid of the process that started a local prediction, as its stored operation says. */
async function starterOf(databaseUrl: string, id: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ operation: string | null }>(
      "select operation from predictions where id = $1",
      [id],
    );
    const operation = rows[0]?.operation;
    return operation ? (JSON.parse(operation) as { owner: { pid: number } }).owner.pid : undefined;
  } finally {
    await client.end();
  }
}

describe.skipIf(skip)("queue mode: a local job whose worker dies", () => {
  it("is run again by the other worker, which stores its output", async () => {
    cluster = await startQueueCluster({ LOCAL_CONCURRENCY: "1", LOCAL_TAKEOVER_SECONDS: "2" });
    const api = await cluster.spawn("api");
    const workers = await Promise.all([
      cluster.spawn("worker", { LOG_LEVEL: "info" }),
      cluster.spawn("worker", { LOG_LEVEL: "info" }),
    ]);
    const logs = new Map(workers.map((worker) => [worker, logsOf(worker)]));
    const read = async (id: string): Promise<Json> =>
      (await (await fetch(`${api.url}/v1/predictions/${id}`, { headers: authed })).json()) as Json;

    // ESRGAN medium on 256×256 runs for seconds on these cores.
    const astronaut = readFileSync(new URL("./fixtures/astronaut.jpg", import.meta.url));
    const image = await sharp(astronaut).resize(256, 256).png().toBuffer();
    const response = await fetch(`${api.url}/v1/models/local/upscale/predictions`, {
      method: "POST",
      headers: { ...authed, "content-type": "application/json" },
      body: JSON.stringify({
        input: { image: `data:image/png;base64,${image.toString("base64")}`, quality: "quality" },
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as Json;
    await until(async () => ((await read(id)).status === "processing" ? true : undefined));

    const pid = await starterOf(cluster.databaseUrl, id);
    const running = workers.find((worker) => worker.child.pid === pid);
    const other = workers.find((worker) => worker !== running);
    if (!running || !other) throw new Error(`no worker has pid ${pid}`);
    // While the worker running it lives, the other leaves the job to it.
    expect(logs.get(other)?.text).not.toContain(RERUN);
    running.child.kill("SIGKILL");
    expect(await running.exited).toBe("SIGKILL");

    const done = await until(async () => {
      const now = await read(id);
      return ["succeeded", "failed", "canceled"].includes(now.status) ? now : undefined;
    }, 90_000);
    expect(done).toMatchObject({ status: "succeeded", error: null });
    const file = await fetch(done.output ?? "", { headers: authed });
    expect(file.status).toBe(200);
    const { width, height } = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect([width, height]).toEqual([512, 512]);
    const reruns = (logs.get(other)?.text ?? "").split("\n").filter((line) => line.includes(RERUN));
    expect(reruns).toHaveLength(1);
    expect(reruns[0]).toContain(id);
  }, 150_000);
});
