/**
 * One `gengate serve` per SQLite data folder: a second process refuses to start, naming the folder
 * and the process that holds it; the folder is free again once the holder stops, or dies by kill -9.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const dirs: string[] = [];
const processes: ServeProcess[] = [];

afterEach(() => {
  for (const { child } of processes.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-lock-"));
  dirs.push(dir);
  return dir;
}

async function serve(dataDir: string): Promise<ServeProcess> {
  const started = await spawnServe({ GENGATE_DATA_DIR: dataDir, GENGATE_ADMIN_TOKEN: TEST_TOKEN });
  processes.push(started);
  return started;
}

async function healthy(url: string): Promise<boolean> {
  return (await fetch(`${url}/health`)).ok;
}

describe("a SQLite data folder", () => {
  it("is served by one process: a second refuses to start, naming the folder and the holder's pid", async () => {
    const dataDir = newDataDir();
    const first = await serve(dataDir);
    const refused = await serve(dataDir).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/exited \(1\) before listening/);
    expect(refused).toContain(`gengate: the data folder ${dataDir} is in use by another gengate process`);
    expect(refused).toContain(`(pid ${first.child.pid})`);
    expect(refused).not.toContain("    at ");
    expect(await healthy(first.url)).toBe(true);

    const other = await serve(newDataDir());
    expect(await healthy(other.url)).toBe(true);
  });

  it("is free again once its process stops", async () => {
    const dataDir = newDataDir();
    const first = await serve(dataDir);
    // Answering a request, it is past setting up its SIGTERM handler (installed just after the banner).
    expect(await healthy(first.url)).toBe(true);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, "gengate.pid"))).toBe(false);
    const second = await serve(dataDir);
    expect(await healthy(second.url)).toBe(true);
  });

  it("is taken over from a process killed with kill -9", async () => {
    const dataDir = newDataDir();
    const first = await serve(dataDir);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const second = await serve(dataDir);
    expect(await healthy(second.url)).toBe(true);
    const third = await serve(dataDir).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(third).toContain(`(pid ${second.child.pid})`);
  });
});
