/**
 * The bundle `npm install` and `npm start` build into dist/ (scripts/build.ts): `bin/gengate.js`
 * runs it exactly while the sources are as it was built from, and it serves like the sources do.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildFolder, currentBuild, sourceStamp } from "../bin/built-code.js";
import { TEST_TOKEN } from "./support/gateway.ts";
import { moduleLogEnv } from "./support/module-log-env.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

describe("which code bin/gengate.js runs", () => {
  let tree: string;
  const source = () => join(tree, "src/cli/main.ts");

  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), "gengate-tree-"));
    mkdirSync(join(tree, "src/cli"), { recursive: true });
    mkdirSync(join(tree, "scripts"));
    writeFileSync(source(), "export {};\n");
    writeFileSync(join(tree, "src/cli/main.test.ts"), "export {};\n");
    writeFileSync(join(tree, "package-lock.json"), "{}\n");
    writeFileSync(join(tree, "scripts/build.ts"), "export {};\n");
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it("is the build of the sources as they are, else the sources themselves", () => {
    expect(currentBuild(tree)).toBeUndefined();
    const folder = buildFolder(tree);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "gengate.mjs"), "export {};\n");
    expect(currentBuild(tree)).toBe(pathToFileURL(join(folder, "gengate.mjs")).href);

    // A test file is not built: changing one leaves the build current.
    writeFileSync(join(tree, "src/cli/main.test.ts"), "export const changed = 1;\n");
    expect(currentBuild(tree)).toBeDefined();

    const before = sourceStamp(tree);
    const later = new Date(statSync(source()).mtimeMs + 5_000);
    utimesSync(source(), later, later);
    expect(sourceStamp(tree)).not.toBe(before);
    expect(currentBuild(tree)).toBeUndefined();
  });

  it("is the sources when GENGATE_FROM_SOURCE is set", () => {
    mkdirSync(buildFolder(tree), { recursive: true });
    writeFileSync(join(buildFolder(tree), "gengate.mjs"), "export {};\n");
    expect(currentBuild(tree)).toBeDefined();
    process.env.GENGATE_FROM_SOURCE = "1";
    try {
      expect(currentBuild(tree)).toBeUndefined();
    } finally {
      delete process.env.GENGATE_FROM_SOURCE;
    }
  });
});

describe("the built gengate", () => {
  let dataDir: string;
  let server: ServeProcess | undefined;

  beforeAll(async () => {
    // Builds it when the sources changed since npm install did (a second or two); else does nothing.
    await run(process.execPath, [join(ROOT, "scripts/build.ts")], { cwd: ROOT });
    dataDir = mkdtempSync(join(tmpdir(), "gengate-built-"));
  });
  afterEach(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    server = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("is current after scripts/build.ts, which does nothing when run again", async () => {
    const entry = currentBuild(ROOT);
    expect(entry).toBeDefined();
    const builtAt = statSync(fileURLToPath(entry as string)).mtimeMs;
    const { stdout } = await run(process.execPath, [join(ROOT, "scripts/build.ts")], { cwd: ROOT });
    expect(stdout).toBe("");
    expect(statSync(fileURLToPath(entry as string)).mtimeMs).toBe(builtAt);
  });

  it("serves predictions, their files, the dashboard's assets and the OpenAPI document", async () => {
    const moduleLog = join(dataDir, "modules");
    server = await spawnServe({
      GENGATE_DATA_DIR: join(dataDir, "data"),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_SIM_LATENCY: "0",
      ...moduleLogEnv(moduleLog, "as installed"),
    });
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const created = await fetch(`${server.url}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { ...auth, prefer: "wait=30" },
      body: JSON.stringify({ input: { prompt: "a built lighthouse", width: 64, height: 64 } }),
    });
    const prediction = (await created.json()) as { status: string; output: string[] };
    expect(prediction.status).toBe("succeeded");
    const file = await fetch(prediction.output[0] as string, { headers: auth });
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);

    const asset = await fetch(`${server.url}/assets/app.css`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain("{");
    const openapi = await fetch(`${server.url}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);

    const modules = readFileSync(moduleLog, "utf8");
    expect(modules).toContain(currentBuild(ROOT));
    expect(modules).not.toMatch(/\/src\/.*\.ts\n/);
  });
});
