/**
 * Any model reference no other provider knows runs on Replicate (the fake, over real HTTP), driven
 * through gengate's public API with the official client, and comes back with gengate's outputs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import Replicate from "replicate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { signedFileLink } from "./support/file-link.ts";
import { startGateway, TEST_TOKEN } from "./support/gateway.ts";

const OUTPUT_TTL_MS = 2_000;
const logLines: string[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "gengate-replicate-"));
let fake: FakeReplicate;
let gateway: RunningServer;
let replicate: Replicate;

/** gengate with its logs captured at the most verbose level, to check no secret is ever logged. */
async function startLoggedGateway(env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig({
    GENGATE_DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    GENGATE_ADMIN_TOKEN: TEST_TOKEN,
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  return startServer(config, env, pino({ level: "trace" }, sink));
}

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 20, max: 60 }, outputTtlMs: OUTPUT_TTL_MS });
  gateway = await startLoggedGateway({ REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url });
  replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const creates = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fakeVersion(model: string): Promise<string> {
  const response = await fetch(`${fake.url}/models/${model}`, {
    headers: { authorization: `Bearer ${fake.token}` },
  });
  return ((await response.json()) as { latest_version: { id: string } }).latest_version.id;
}

async function imageAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe("the Replicate provider through gengate", () => {
  it("runs an official model by name; its outputs outlive Replicate's", async () => {
    const output = (await replicate.run("fake-official/flux-schnell", {
      input: { prompt: "a lighthouse", num_outputs: 2, output_format: "png" },
    })) as string[];
    expect(output).toHaveLength(2);
    for (const url of output) expect(url).toMatch(signedFileLink(gateway.url, "png"));
    const upstream = fake.predictions().find((p) => p.model === "fake-official/flux-schnell");
    expect(upstream?.status).toBe("succeeded");
    expect(creates().some((r) => r.path === "/v1/models/fake-official/flux-schnell/predictions")).toBe(true);

    await sleep(OUTPUT_TTL_MS + 200);
    const expired = await fetch(String((upstream?.output as string[] | undefined)?.[0]));
    expect(expired.ok).toBe(false);
    expect((await imageAt(output[0] ?? "")).format).toBe("png");
  });

  it("runs a pinned version, a bare version id and a deployment", async () => {
    const version = await fakeVersion("fake/sdxl");
    const input = { prompt: "a harbor", width: 256, height: 256 };
    const pinned = await fetch(`${gateway.url}/v1/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, prefer: "wait" },
      body: JSON.stringify({ version: `fake/sdxl:${version}`, input }),
    }).then((r) => r.json() as Promise<{ status: string; model: string; version: string; output: string[] }>);
    expect(pinned).toMatchObject({ status: "succeeded", model: "fake/sdxl", version });
    expect((await imageAt(pinned.output[0] ?? "")).width).toBe(256);

    // replicate.run("owner/name:version") sends the bare version id
    const bare = (await replicate.run(`fake/sdxl:${version}`, { input })) as string[];
    expect((await imageAt(bare[0] ?? "")).width).toBe(256);

    const deployed = await replicate.deployments.predictions.create("fake", "sdxl-deploy", { input });
    const done = await replicate.wait(deployed, { interval: 50 });
    expect(done.status).toBe("succeeded");
    expect(creates().some((r) => r.path === "/v1/deployments/fake/sdxl-deploy/predictions")).toBe(true);
    expect(fake.predictions().filter((p) => p.versionId === version)).toHaveLength(3);
  });

  it("rejects bad input with the model's schema before anything is created upstream", async () => {
    const before = creates().length;
    const response = await fetch(`${gateway.url}/v1/models/fake/sdxl/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ input: { width: 104 } }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(problem.invalid_fields.map((f) => f.field).sort()).toEqual(["input.prompt", "input.width"]);
    expect(creates().length).toBe(before);
  });

  it("streams a text model's tokens through gengate", async () => {
    const tokens: string[] = [];
    for await (const event of replicate.stream("fake/llm", {
      input: { prompt: "tell me", max_tokens: 10 },
    })) {
      if (event.event === "output") tokens.push(event.data);
    }
    expect(tokens).toHaveLength(10);
    const upstream = fake.predictions().find((p) => p.model === "fake/llm");
    expect(upstream?.output).toEqual(tokens);
    const listed = await replicate.predictions.list();
    const mine = listed.results.find((p) => p.model === "fake/llm");
    expect(mine && (await replicate.wait(mine, { interval: 50 })).output).toEqual(tokens);
  });

  it("sends small input files inline and big ones through Replicate's files API", async () => {
    const small = await sharp({ create: { width: 32, height: 32, channels: 3, background: "red" } })
      .png()
      .toBuffer();
    const noise = Buffer.from(Array.from({ length: 400 * 400 * 3 }, () => Math.floor(Math.random() * 256)));
    const big = await sharp(noise, { raw: { width: 400, height: 400, channels: 3 } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(256 * 1024);
    for (const [bytes, prompt] of [
      [small, "small input"],
      [big, "big input"],
    ] as const) {
      const file = await replicate.files.create(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
      const output = (await replicate.run("fake/sdxl", {
        input: { prompt, image: file.urls.get, width: 256, height: 256 },
      })) as string[];
      expect(output).toHaveLength(1);
    }
    const sent = (prompt: string) =>
      String(fake.predictions().find((p) => p.input.prompt === prompt)?.input.image);
    expect(sent("small input")).toMatch(/^data:image\/png;base64,/);
    expect(sent("big input")).toMatch(new RegExp(`^${fake.url}/files/`));
    expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/files")).toHaveLength(1);
  });

  it("passes gengate's deadline on as Cancel-After", async () => {
    const response = await fetch(`${gateway.url}/v1/models/fake/sdxl/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "cancel-after": "2m", prefer: "wait" },
      body: JSON.stringify({ input: { prompt: "with a deadline", width: 256, height: 256 } }),
    });
    expect(((await response.json()) as { status: string }).status).toBe("succeeded");
    const create = creates().find(
      (r) => (r.body as { input?: { prompt?: string } }).input?.prompt === "with a deadline",
    );
    expect(create?.headers["cancel-after"]).toMatch(/^1(19|20)s$/);
  });

  it("fails a prediction clearly when the model fails upstream", async () => {
    await expect(
      replicate.run("fake/sdxl", { input: { prompt: "please FAIL", width: 256 } }),
    ).rejects.toThrow("The model failed as requested by the prompt");
  });

  it("tells a wrong API token apart as gengate's configuration (502, not 401), without repeating it", async () => {
    const wrong = "r8_wrong_token_that_must_stay_secret";
    const other = await startGateway({ REPLICATE_API_TOKEN: wrong, REPLICATE_BASE_URL: fake.url });
    try {
      const response = await other.api("/v1/models/fake-official/flux-schnell/predictions", {
        method: "POST",
        body: JSON.stringify({ input: { prompt: "x" } }),
      });
      const text = await response.text();
      // The client's gengate token is fine: Replicate refused gengate's own.
      expect(response.status).toBe(502);
      expect(text).toContain("gengate is misconfigured");
      expect(text).toContain("REPLICATE_API_TOKEN");
      expect(text).not.toContain(wrong);
    } finally {
      await other.close();
    }
  });

  it("never logs the API token", () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(fake.token);
  });
});
