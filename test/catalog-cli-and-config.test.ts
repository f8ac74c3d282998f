/**
 * The catalog as clients and operators see it: `gengate models list|show` and GET /v1/models
 * against a real gengate, and configuration files with mistakes refused at start.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDER_IDS } from "../src/providers/registry.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const dir = mkdtempSync(join(tmpdir(), "gengate-catalog-"));
let gateway: TestGateway;

function configFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function gengate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, GENGATE_URL: gateway.url, GENGATE_TOKEN: gateway.token };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const file = configFile("gengate.config.json", {
    models: {
      doodle: {
        description: "sketches on the simulator",
        targets: [{ provider: "sim", model: "sim/image" }],
      },
    },
    routing: { providers: { sim: { concurrency: 1 } } },
  });
  gateway = await startGateway({ GENGATE_CONFIG: file });
});
afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the catalog through the API and the CLI", () => {
  it("lists built-in and configured aliases as gengate/<alias> before the providers' models", async () => {
    const response = await gateway.api("/v1/models");
    const { results } = (await response.json()) as { results: { owner: string; name: string }[] };
    const names = results.map((m) => `${m.owner}/${m.name}`);
    expect(names).toEqual(expect.arrayContaining(["gengate/flux-dev", "gengate/doodle", "sim/image"]));
    const flux = await (await gateway.api("/v1/models/gengate/flux-dev")).json();
    expect(flux).toMatchObject({
      owner: "gengate",
      name: "flux-dev",
      gengate: { builtin: true, strategy: "conditional", fallback: "qwen-image" },
    });
    expect(flux.gengate.targets[0]).toMatchObject({
      provider: "replicate",
      model: "black-forest-labs/flux-dev",
    });
  });

  it("runs an alias with the official client", async () => {
    const replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
    const output = (await replicate.run("gengate/doodle", {
      input: { prompt: "a fox", width: 64, height: 64 },
    })) as unknown[];
    expect(output).toHaveLength(1);
    const [latest] = (await replicate.predictions.list()).results;
    expect(latest).toMatchObject({ model: "gengate/doodle", status: "succeeded" });
  });

  it("keeps a provider within the concurrency the routing settings give it", async () => {
    const create = () =>
      gateway.api("/v1/models/sim/image/predictions", {
        method: "POST",
        body: JSON.stringify({ input: { prompt: "x", width: 64, height: 64, latency_ms: 150 } }),
      });
    const created = await Promise.all([create(), create(), create()]);
    const ids = await Promise.all(created.map(async (r) => ((await r.json()) as { id: string }).id));
    const runs = await Promise.all(ids.map((id) => gateway.engine.waitFor(id, 10_000)));
    const spans = runs
      .map((p) => [p.startedAt ?? 0, p.completedAt ?? 0])
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] ?? 0);
  });

  it("gengate models list and show", async () => {
    const list = await gengate(["models", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /gengate\/flux-dev\s+black-forest-labs\/flux-dev \| black-forest-labs\/flux-kontext-max \| black-forest-labs\/flux-kontext-pro \| black-forest-labs\/flux-dev-lora\s+qwen-image/,
    );
    expect(list.stdout).toMatch(/gengate\/doodle\s+sim\/image/);
    const show = await gengate(["models", "show", "doodle"]);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      name: "doodle",
      description: "sketches on the simulator",
    });
  });

  it("refuses a route to a built-in alias whose provider is not configured with 503 and the reasons", async () => {
    const response = await gateway.api("/v1/models/gengate/flux-dev/predictions", {
      method: "POST",
      body: JSON.stringify({ input: { prompt: "a fox" } }),
    });
    expect(response.status).toBe(503);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain(
      "flux-dev#0 (black-forest-labs/flux-dev): provider not configured: replicate",
    );
    expect(problem.detail).toContain("imagen-4-ultra#0");
  });
});

describe("a configuration file with a mistake", () => {
  const refused = async (name: string, content: unknown) => {
    const file = configFile(name, content);
    return { file, start: startGateway({ GENGATE_CONFIG: file }) };
  };

  it("names the file, the path and the fix for an unknown provider", async () => {
    const { file, start } = await refused("provider.json", {
      models: { x: { targets: [{ provider: "replicat", model: "a/b" }] } },
    });
    await expect(start).rejects.toThrow(
      `${file}: models.x.targets.0.provider: unknown provider "replicat"; use one of ${PROVIDER_IDS.join(", ")}`,
    );
  });

  it("names a provider's bad setting, and the next start on the data folder works", async () => {
    const dataDir = mkdtempSync(join(dir, "provider-setting-"));
    const env = { REPLICATE_API_TOKEN: "r8_x", REPLICATE_CONCURRENCY: "0" };
    await expect(startGateway(env, dataDir)).rejects.toThrow(
      /^REPLICATE_CONCURRENCY: must be a positive integer/,
    );
    // The data folder's database and lock were let go: the next start takes them.
    const next = await startGateway({}, dataDir);
    expect((await next.api("/health")).status).toBe(200);
    await next.close();
  });

  it("names a cycle in a fallback chain", async () => {
    const target = { provider: "sim", model: "sim/image" };
    const { file, start } = await refused("cycle.json", {
      models: { a: { targets: [target], fallback: "b" }, b: { targets: [target], fallback: "a" } },
    });
    await expect(start).rejects.toThrow(
      `${file}: models.b.fallback: the fallback chain a → b → a is a cycle; remove one of these fallbacks`,
    );
  });

  it("names a bad weight", async () => {
    const { file, start } = await refused("weight.json", {
      models: {
        w: { strategy: "loadbalance", targets: [{ provider: "sim", model: "sim/image", weight: -2 }] },
      },
    });
    await expect(start).rejects.toThrow(
      `${file}: models.w.targets.0.weight: weight must be a positive number`,
    );
  });
});
