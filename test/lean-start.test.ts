/**
 * `gengate serve` on SQLite loads only what serving needs: no PostgreSQL client, no client commands,
 * no cloud storage SDK, no bot, no metrics or tracing library, no image or model runtime until a
 * request or the configuration calls for one (each costs memory a gateway that never uses it pays).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKEN } from "./support/gateway.ts";
import { moduleLogEnv } from "./support/module-log-env.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

/** Loaded by a serving process only when a request or the configuration calls for them. */
const NOT_AT_START: Record<string, RegExp> = {
  "the PostgreSQL client": /\/node_modules\/pg\//,
  "the client commands": /\/src\/cli\/commands\/(?!serve\.ts)/,
  "the client commands' helpers": /\/src\/cli\/(batch|chat|init|tool|training|admin)\//,
  "the S3 SDK": /\/node_modules\/@aws-sdk\//,
  "the Azure Blob SDK": /\/node_modules\/@azure\/storage-blob\//,
  "the Telegram bot": /\/node_modules\/grammy\/|\/src\/telegram\/(?!telegram-config\.ts)/,
  "the Prometheus client": /\/node_modules\/prom-client\//,
  // Its API alone comes with the Prometheus client.
  "the OpenTelemetry SDK": /\/node_modules\/@opentelemetry\/(?!api\/)/,
  "sharp (images)": /\/node_modules\/sharp\//,
  "the local models' runtimes": /\/node_modules\/(onnxruntime-node|@tensorflow)\//,
  "the token counter": /\/node_modules\/js-tiktoken\//,
  "the zip libraries": /\/node_modules\/(yauzl|yazl)\//,
  "ajv (JSON Schema checks)": /\/node_modules\/ajv(-formats)?\//,
  "the OpenAPI document": /\/src\/api\/openapi(-[a-z]+)?\.ts$/,
};

function loadedAmong(modules: string, patterns: Record<string, RegExp>): string[] {
  const lines = modules.split("\n");
  return Object.entries(patterns)
    .filter(([, pattern]) => lines.some((url) => pattern.test(url)))
    .map(([name]) => name);
}

describe("gengate serve on SQLite starts lean", () => {
  let root: string;
  let server: ServeProcess | undefined;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "gengate-lean-"));
  });
  afterEach(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    server = undefined;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** `gengate serve` on its own data folder; `modules()` reads the URLs of the modules it has loaded so far. */
  async function serve(name: string, env: Record<string, string> = {}) {
    const moduleLog = join(root, `${name}.modules`);
    server = await spawnServe({
      GENGATE_DATA_DIR: join(root, name),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_SIM_LATENCY: "0",
      ...moduleLogEnv(moduleLog),
      ...env,
    });
    return { url: server.url, modules: () => readFileSync(moduleLog, "utf8") };
  }

  it("has loaded none of them once it answers; a prediction loads ajv and sharp, /openapi.json its document", async () => {
    const { url, modules } = await serve("plain");
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(models.status).toBe(200);
    // The log names the modules of the server itself: a hook that saw nothing would prove nothing.
    expect(modules()).toMatch(/\/src\/server\.ts\n/);
    expect(loadedAmong(modules(), NOT_AT_START)).toEqual([]);

    const prediction = await fetch(`${url}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, prefer: "wait" },
      body: JSON.stringify({ input: { prompt: "a lighthouse", width: 64, height: 64 } }),
    });
    expect(((await prediction.json()) as { status: string }).status).toBe("succeeded");
    expect(loadedAmong(modules(), NOT_AT_START)).toEqual(["sharp (images)", "ajv (JSON Schema checks)"]);

    const document = await fetch(`${url}/openapi.json`);
    expect(((await document.json()) as { openapi: string }).openapi).toBe("3.1.0");
    expect(loadedAmong(modules(), NOT_AT_START)).toEqual([
      "sharp (images)",
      "ajv (JSON Schema checks)",
      "the OpenAPI document",
    ]);
  });

  // bin/gengate.js starts `serve` again (execve, the same process) with V8's memory flags.
  it.runIf(process.platform === "linux")(
    "runs with a small young generation and V8's gc exposed, unless told otherwise",
    async () => {
      const argsOf = () =>
        readFileSync(`/proc/${server?.child.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      await serve("flags");
      expect(argsOf()).toEqual(expect.arrayContaining(["--max-semi-space-size=4", "--expose-gc"]));
      server?.child.kill("SIGKILL");
      await server?.exited;

      await serve("flags-given", { NODE_OPTIONS: "--max-semi-space-size=8" });
      expect(argsOf()).not.toContain("--max-semi-space-size=4");
      expect(argsOf()).toContain("--expose-gc");
    },
  );

  it("loads the Prometheus client when metrics are configured", async () => {
    const { modules } = await serve("metrics", { GENGATE_METRICS_TOKEN: "a-scraper-token-0123456789" });
    expect(loadedAmong(modules(), NOT_AT_START)).toEqual(["the Prometheus client"]);
  });
});
