/**
 * A new user's set-up, with real processes: `gengate init` (through its prompts and with flags)
 * against the fake providers, `gengate serve` reading the `.env` it wrote, `gengate providers check`
 * reporting what the server sees, and the CLI remembering the URL and token it was given.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../src/core/api-tokens.ts";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { startGateway } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

let replicate: FakeReplicate;
let fal: FakeFal;
let runpod: FakeRunpod;
const folders: string[] = [];
const servers: ServeProcess[] = [];

beforeAll(async () => {
  [replicate, fal, runpod] = await Promise.all([
    startFakeReplicate(),
    startFakeFal(),
    startFakeRunpod({ endpoints: { sd: { worker: "a1111" } } }),
  ]);
});

afterAll(async () => {
  for (const server of servers) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  await Promise.all([replicate.close(), fal.close(), runpod.close()]);
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "gengate-setup-"));
  folders.push(path);
  return path;
}

async function serve(env: Record<string, string>, cwd?: string): Promise<ServeProcess> {
  const server = await spawnServe({ GENGATE_DATA_DIR: await folder(), ...env }, [], cwd);
  servers.push(server);
  return server;
}

/** Where the providers' fakes are: the URLs a user's shell would not set, the keys it would. */
const providerUrls = () => ({
  REPLICATE_BASE_URL: replicate.url,
  FAL_QUEUE_URL: fal.queueUrl,
  FAL_JWKS_URL: fal.jwksUrl,
  RUNPOD_BASE_URL: runpod.url,
});

const modeOf = (path: string) => statSync(path).mode & 0o777;
const dotEnvOf = (dir: string) => parseEnv(readFileSync(join(dir, ".env"), "utf8"));
const rememberedIn = (env: NodeJS.ProcessEnv) => join(env.XDG_CONFIG_HOME ?? "", "gengate", "config.json");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("gengate init", () => {
  it("asks for each key, asks again for one the provider refuses, and writes .env and the CLI's config with mode 600", async () => {
    const dir = await folder();
    const env = cliEnv(providerUrls());
    // Replicate: a token the fake refuses, then its own; fal: skipped; RunPod: its key and an endpoint.
    const answers = ["r8_not_a_valid_token", replicate.token, "", runpod.apiKey, "sdxl=sd:a1111", ""];
    const result = await runCli(["init"], { cwd: dir, env, input: `${answers.join("\n")}\n` });
    expect(result.stderr).toContain("Replicate API token (blank to skip): ");
    expect(result.stderr).toContain("replicate: ");
    expect(result.stderr).toMatch(
      /^replicate: http:\/\/127\.0\.0\.1:\d+\/v1: .+; try again, or leave it blank to skip replicate$/m,
    );
    expect(result.stderr).toContain("RunPod endpoints, comma-separated");
    expect(result.code, result.stderr).toBe(0);
    // Keys are not echoed back.
    expect(result.stdout + result.stderr).not.toContain(replicate.token);

    const dotEnv = dotEnvOf(dir);
    expect(dotEnv.REPLICATE_API_TOKEN).toBe(replicate.token);
    expect(dotEnv.RUNPOD_API_KEY).toBe(runpod.apiKey);
    expect(dotEnv.FAL_KEY).toBeUndefined();
    expect(dotEnv.GENGATE_ADMIN_TOKEN).toMatch(/^gg_/);
    expect(modeOf(join(dir, ".env"))).toBe(0o600);
    expect(readJson(join(dir, "gengate.config.json"))).toEqual({
      providers: { runpod: { endpoints: { sdxl: { endpointId: "sd", worker: "a1111" } } } },
    });
    const remembered = rememberedIn(env);
    expect(readJson(remembered)).toEqual({ url: "http://localhost:8080", token: dotEnv.GENGATE_ADMIN_TOKEN });
    expect(modeOf(remembered)).toBe(0o600);
  });

  it("takes every answer as a flag, tests each key, and keeps the lines of an existing .env", async () => {
    const dir = await folder();
    writeFileSync(join(dir, ".env"), "# mine\nLOG_LEVEL=debug\nREPLICATE_API_TOKEN=old\n", { mode: 0o644 });
    const env = cliEnv(providerUrls());
    const flags = [
      ["--replicate-token", replicate.token],
      ["--fal-key", fal.key],
      ["--fal-apps", "fal-ai/flux/dev,sdxl=fal-ai/fast-sdxl"],
      ["--runpod-key", runpod.apiKey],
      ["--runpod-endpoints", "sdxl=sd:a1111"],
      ["--port", "9123"],
    ].flat();
    const result = await runCli(["init", "--no-input", ...flags], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    for (const provider of ["replicate", "fal", "runpod"])
      expect(result.stderr).toMatch(new RegExp(`^${provider}: `, "m"));

    const text = readFileSync(join(dir, ".env"), "utf8");
    expect(text.startsWith(`# mine\nLOG_LEVEL=debug\nREPLICATE_API_TOKEN=${replicate.token}\n`)).toBe(true);
    expect(dotEnvOf(dir)).toMatchObject({ FAL_KEY: fal.key, RUNPOD_API_KEY: runpod.apiKey, PORT: "9123" });
    expect(modeOf(join(dir, ".env"))).toBe(0o600);
    expect(readJson(join(dir, "gengate.config.json"))).toMatchObject({
      providers: {
        fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" }, sdxl: { app: "fal-ai/fast-sdxl" } } },
        runpod: { endpoints: { sdxl: { endpointId: "sd", worker: "a1111" } } },
      },
    });
    expect(readJson(rememberedIn(env))).toMatchObject({ url: "http://localhost:9123" });
  });

  it("refuses a key the provider refuses, naming it, and writes nothing", async () => {
    const dir = await folder();
    const env = cliEnv(providerUrls());
    const result = await runCli(["init", "--no-input", "--replicate-token", "r8_wrong"], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^gengate: replicate: http:\/\/127\.0\.0\.1:\d+\/v1: .+; nothing was written/,
    );
    expect(result.stderr).not.toContain("r8_wrong");
    expect(existsSync(join(dir, ".env"))).toBe(false);
    expect(existsSync(rememberedIn(env))).toBe(false);
  });

  it("refuses models the configuration file cannot take, or none where they are needed, and writes nothing", async () => {
    const dir = await folder();
    const env = cliEnv(providerUrls());
    const badApp = await runCli(
      ["init", "--no-input", "--fal-key", fal.key, "--fal-apps", "dev=not-an-app"],
      {
        cwd: dir,
        env,
      },
    );
    expect(badApp.code).toBe(1);
    expect(badApp.stderr).toMatch(
      /^gengate: fal: .*gengate\.config\.json: providers\.fal\.apps\.dev\.app: must be a fal app id .*; nothing was written\n$/,
    );
    const noEndpoints = await runCli(["init", "--no-input", "--runpod-key", runpod.apiKey], {
      cwd: dir,
      env,
    });
    expect(noEndpoints.code).toBe(1);
    expect(noEndpoints.stderr).toBe(
      "gengate: runpod needs its models listed (--runpod-endpoints, or providers.runpod in gengate.config.json); nothing was written\n",
    );
    expect(existsSync(join(dir, ".env"))).toBe(false);
    expect(existsSync(join(dir, "gengate.config.json"))).toBe(false);
  });

  it("then gengate serve in that folder runs with its keys, and the CLI needs no flags", async () => {
    const dir = await folder();
    const env = cliEnv(providerUrls());
    const init = await runCli(["init", "--no-input", "--replicate-token", replicate.token], {
      cwd: dir,
      env,
    });
    expect(init.code, init.stderr).toBe(0);
    const server = await serve({ REPLICATE_BASE_URL: replicate.url }, dir);

    // The admin token init wrote is the server's and the one the CLI remembered.
    const check = await runCli(["providers", "check", "--url", server.url], { env });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/\nreplicate\s+yes\s+yes\s+\d+\s+.*account/);
  });
});

describe("gengate serve", () => {
  it("loads .env from its working directory; the real environment wins over it", async () => {
    const dir = await folder();
    const [fromFile, fromEnv] = [await folder(), await folder()];
    const token = "gg_dotenv_admin_token_0123456789";
    writeFileSync(join(dir, ".env"), `GENGATE_ADMIN_TOKEN=${token}\nGENGATE_DATA_DIR=${fromFile}\n`);
    const server = await spawnServe({ GENGATE_DATA_DIR: fromEnv }, [], dir);
    servers.push(server);
    const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(models.status).toBe(200);
    expect(existsSync(join(fromEnv, "gengate.db"))).toBe(true);
    expect(existsSync(join(fromFile, "gengate.db"))).toBe(false);
  });
});

describe("gengate providers check", () => {
  let server: ServeProcess;
  const token = "gg_check_admin_token_0123456789";

  beforeAll(async () => {
    // The server has Replicate; the shell the CLI runs in does not (or has another key).
    server = await serve({
      GENGATE_ADMIN_TOKEN: token,
      REPLICATE_API_TOKEN: replicate.token,
      REPLICATE_BASE_URL: replicate.url,
    });
  });

  it("reports the providers the server has, not those of the CLI's environment", async () => {
    const env = cliEnv({ REPLICATE_API_TOKEN: "r8_the_shells_own_wrong_token" });
    const result = await runCli(["providers", "check", "--url", server.url, "--token", token], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\nreplicate\s+yes\s+yes\s+\d+\s+http:\/\/127\.0\.0\.1:\d+\/v1: account/);
    expect(result.stdout).toMatch(/\nsim\s+yes\s+n\/a/);
  });

  it("exits 1 naming a provider the server cannot use", async () => {
    const wrong = await serve({
      GENGATE_ADMIN_TOKEN: token,
      REPLICATE_API_TOKEN: "r8_wrong",
      REPLICATE_BASE_URL: replicate.url,
    });
    const result = await runCli(["providers", "check", "--url", wrong.url, "--token", token], {
      env: cliEnv(),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nreplicate\s+yes\s+NO\s/);
    expect(result.stderr).toMatch(/^gengate: replicate: not usable\n$/m);
  });

  it("remembers the URL and token it was given (mode 600), which a flag or variable still overrides", async () => {
    const env = cliEnv();
    const first = await runCli(["providers", "check", "--url", server.url, "--token", token], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`remembered this url and token in ${rememberedIn(env)}`);
    expect(readJson(rememberedIn(env))).toEqual({ url: server.url, token });
    expect(modeOf(rememberedIn(env))).toBe(0o600);

    const again = await runCli(["models", "list"], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("");

    const elsewhere = await runCli(["models", "list"], {
      env: { ...env, GENGATE_URL: "http://127.0.0.1:9" },
    });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain("cannot reach gengate at http://127.0.0.1:9");
    const refused = await runCli(["models", "list", "--token", "gg_wrong"], { env });
    expect(refused.code).toBe(1);
    expect(readJson(rememberedIn(env))).toEqual({ url: server.url, token });
  });
});

describe("GET /v1/admin/providers/check", () => {
  it("answers 403 to a token that is not an admin's, and 401 without a valid token", async () => {
    const gateway = await startGateway();
    try {
      const tenant = "gg_tenant_token_0123456789abcdef";
      await gateway.store.tokens.create({ name: "tenant", tokenHash: hashApiToken(tenant), isAdmin: false });
      const asTenant = await gateway.api("/v1/admin/providers/check", {
        headers: { authorization: `Bearer ${tenant}` },
      });
      expect(asTenant.status).toBe(403);
      expect(await asTenant.json()).toMatchObject({
        detail: "token tenant lacks the admin scope this route needs",
        refused_by: { limit: "scope", scope: "token", name: "tenant" },
      });
      const anonymous = await fetch(`${gateway.url}/v1/admin/providers/check`);
      expect(anonymous.status).toBe(401);
      const asAdmin = await gateway.api("/v1/admin/providers/check");
      expect(asAdmin.status).toBe(200);
      expect(await asAdmin.json()).toMatchObject({
        providers: expect.arrayContaining([
          {
            provider: "sim",
            reachable: true,
            authenticated: null,
            rate_limit_remaining: null,
            detail: expect.any(String),
          },
        ]),
      });
    } finally {
      await gateway.close();
    }
  });
});
