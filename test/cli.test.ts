/** The `gengate` command, run as a child process against a real gengate. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { TOKEN_CACHE_MS } from "../src/store/token-cache.ts";
import { cliEnv } from "./support/cli-process.ts";
import { untilRefused } from "./support/until-refused.ts";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const ADMIN_TOKEN = "cli-test-admin-token-0123456789ab";
const SMALL = ["--param", "width=64", "--param", "height=64"];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gengate-cli-"));
  temps.push(dir);
  return dir;
}

/** Env for the CLI without whatever GENGATE_* the developer's shell has, nor their remembered token. */
const cleanEnv = cliEnv;

let server: RunningServer;
let clientEnv: NodeJS.ProcessEnv;

function gengate(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((done) => {
    const opts = { cwd: options.cwd ?? tmpdir(), env: options.env ?? clientEnv };
    execFile(process.execPath, [BIN, ...args], opts, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function api(path: string, init: RequestInit = {}, token = ADMIN_TOKEN): Promise<Response> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return fetch(`${server.url}${path}`, { ...init, headers });
}

async function createPrediction(input: Record<string, unknown>): Promise<{ id: string }> {
  const response = await api("/v1/models/sim/image/predictions", {
    method: "POST",
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

/** Resolves with the text a child wrote to `stream` once it contains `marker`. */
function readUntil(child: ChildProcess, stream: "stdout" | "stderr", marker: string): Promise<string> {
  return new Promise((done, fail) => {
    let text = "";
    child[stream]?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(marker)) done(text);
    });
    child.once("exit", (code) => fail(new Error(`exited with ${code} before "${marker}": ${text}`)));
  });
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((done) => child.once("exit", done));

beforeAll(async () => {
  const config = loadConfig({
    GENGATE_DATA_DIR: await tempDir(),
    PORT: "0",
    LOG_LEVEL: "silent",
    GENGATE_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  server = await startServer(config, { GENGATE_SIM_LATENCY: "200" });
  clientEnv = cleanEnv({ GENGATE_URL: server.url, GENGATE_TOKEN: ADMIN_TOKEN });
});

afterAll(async () => {
  await server?.close();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("gengate generate", () => {
  it("saves a webp named after the prediction by default", async () => {
    const cwd = await tempDir();
    const result = await gengate(["generate", "a lighthouse"], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const [file] = result.stdout.trim().split("\n");
    expect(file).toMatch(/^[a-z0-9]+_1\.webp$/);
    expect(await readdir(cwd)).toEqual([file]);
    const meta = await sharp(join(cwd, file as string)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 512, 512]);
  });

  it("passes --param values as JSON and saves to --output", async () => {
    const cwd = await tempDir();
    const params = ["--param", "output_format=png", "--param", "width=96", "--param", "height=64"];
    const result = await gengate(["generate", "a boat", ...params, "-o", "out.png"], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("out.png\n");
    const meta = await sharp(join(cwd, "out.png")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 96, 64]);
  });

  it("numbers several outputs", async () => {
    const cwd = await tempDir();
    const result = await gengate(
      ["generate", "two cats", ...SMALL, "--param", "num_outputs=2", "-o", "x.png"],
      { cwd },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("x_1.png\nx_2.png\n");
    expect((await readdir(cwd)).sort()).toEqual(["x_1.png", "x_2.png"]);
  });

  it("prints the text of a text model", async () => {
    const result = await gengate([
      "generate",
      "hello there",
      "--model",
      "sim/text",
      "--param",
      "max_tokens=8",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith("hello")).toBe(true);
    expect(result.stdout.trim().split(" ").length).toBeGreaterThanOrEqual(8);
  });

  it("reports progress on stderr as plain lines when it is not a terminal", async () => {
    const result = await gengate(["generate", "slowly", ...SMALL, "--param", "latency_ms=800"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^\w+ starting 0\.0s$/);
    expect(lines.at(-1)).toMatch(/^\w+ processing \d+\.\ds$/);
  });

  it("exits 1 with the error of a failed prediction", async () => {
    const result = await gengate(["generate", "doomed", ...SMALL, "--param", "fail=true"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gengate: prediction \w+ failed: Simulated failure/);
  });

  it("exits 1 for an unknown model", async () => {
    const result = await gengate(["generate", "x", "--model", "sim/nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("gengate: model sim/nope not found");
  });

  it("lists each invalid field", async () => {
    const result = await gengate(["generate", "x", "--param", "width=3"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("- input.width: width must be >= 64");
  });

  it("tells how to get a token when there is none", async () => {
    const result = await gengate(["generate", "x"], { env: cleanEnv({ GENGATE_URL: server.url }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("gengate serve");
    expect(result.stderr).toContain("gengate tokens create");
  });

  it("cancels the prediction on Ctrl-C", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "generate", "long", ...SMALL, "--param", "latency_ms=10000"],
      {
        cwd: await tempDir(),
        env: clientEnv,
      },
    );
    const progress = await readUntil(child, "stderr", "starting");
    child.kill("SIGINT");
    expect(await exitOf(child)).toBe(130);
    const id = progress.split(" ")[0];
    const prediction = (await (await api(`/v1/predictions/${id}`)).json()) as { status: string };
    expect(prediction.status).toBe("canceled");
  });
});

describe("gengate predictions", () => {
  it("lists predictions across pages, up to --limit", async () => {
    // The API pages by 100, so 101 more predictions make at least two pages.
    await Promise.all(Array.from({ length: 101 }, () => createPrediction({ prompt: "filler", fail: true })));
    const result = await gengate(["predictions", "list", "--limit", "103"]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(["id", "model", "status", "created_at"]);
    expect(rows).toHaveLength(103);
    expect(new Set(rows.map((row) => row.split(/\s+/)[0])).size).toBe(103);
  });

  it("gets and cancels a prediction", async () => {
    const { id } = await createPrediction({ prompt: "slow", width: 64, height: 64, latency_ms: 10_000 });
    const got = await gengate(["predictions", "get", id]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ id, model: "sim/image" });

    const canceled = await gengate(["predictions", "cancel", id]);
    expect(canceled.code, canceled.stderr).toBe(0);
    expect(canceled.stdout).toBe("canceled\n");
  });

  it("exits 1 for an unknown prediction", async () => {
    const result = await gengate(["predictions", "get", "nosuchprediction"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gengate: .*not found/);
  });
});

describe("gengate tokens", () => {
  it("creates, lists and revokes tokens in the local database", async () => {
    const dataDir = await tempDir();
    const env = cleanEnv({});
    const created = await gengate(["tokens", "create", "ci", "--data-dir", dataDir], { env });
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^gg_\S+$/);

    const listed = await gengate(["tokens", "list", "--data-dir", dataDir], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const [header, row] = listed.stdout.trim().split("\n");
    expect(header).toMatch(/^id\s+name\s+scopes\s+tenant\s+limits\s+budget\s+last used\s+status$/);
    expect(row).toMatch(/^\w+\s+ci\s+all but admin\s+-\s+-\s+-\s+-\s+live$/);
    expect(listed.stdout).not.toContain(token);
    const id = row?.split(/\s+/)[0] as string;

    const local = await startServer(
      loadConfig({ GENGATE_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" }),
      {},
    );
    try {
      expect(local.newAdminToken).toBeUndefined();
      const models = () => fetch(`${local.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect((await models()).status).toBe(200);

      const revoked = await gengate(["tokens", "revoke", id, "--data-dir", dataDir], { env });
      expect(revoked.code, revoked.stderr).toBe(0);
      // Revoked by another process: the server's token cache lets it through for up to TOKEN_CACHE_MS.
      const refused = await untilRefused(async () => (await models()).status, TOKEN_CACHE_MS + 1_000);
      expect(refused.status).toBe(401);
      expect(refused.afterMs).toBeLessThanOrEqual(TOKEN_CACHE_MS + 250);
    } finally {
      await local.close();
    }

    const again = await gengate(["tokens", "revoke", "nosuchtoken", "--data-dir", dataDir], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("gengate: no live token with id nosuchtoken\n");
  });
});

describe("gengate serve", () => {
  it("prints the URL and the first admin token, and stops on SIGTERM", async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", dataDir], {
      env: cleanEnv({ LOG_LEVEL: "warn" }),
    });
    const banner = await readUntil(child, "stdout", "export GENGATE_TOKEN=");
    const url = /gengate is running at (http:\/\/\S+)/.exec(banner)?.[1];
    const token = /export GENGATE_TOKEN=(\S+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    expect(token).toMatch(/^gg_/);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(models.status).toBe(200);

    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });

  it("exits 1 naming a bad variable", async () => {
    const result = await gengate(["serve"], { env: cleanEnv({ PORT: "abc" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gengate: PORT: /);
    expect(result.stderr).not.toContain("    at ");
  });
});

describe("gengate providers check", () => {
  it("reports each provider of the server and exits 0 when all are usable", async () => {
    const result = await gengate(["providers", "check"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^provider\s+reachable\s+authenticated/);
    expect(result.stdout).toMatch(/\nsim\s+yes\s+n\/a/);
  });
});
