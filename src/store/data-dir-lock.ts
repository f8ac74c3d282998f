/**
 * One serving process per SQLite data folder. `gengate.lock` in the folder is held with an
 * operating-system lock (SQLite's file lock, taken by a write transaction left open) for as long as
 * the process serves, so the kernel releases it however the process ends, kill -9 included, and a
 * new process takes over a dead one's folder at once. The holder writes its pid to `gengate.pid`,
 * for the message that refuses a second process.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { GatewayError } from "../core/errors.ts";

const SQLITE_BUSY = 5;

export interface DataDirLock {
  release(): void;
}

/** Takes the data folder for this process, or refuses naming the process that holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, "gengate.pid");
  const lock = new DatabaseSync(join(dataDir, "gengate.lock"));
  try {
    lock.exec("BEGIN IMMEDIATE");
  } catch (error) {
    lock.close();
    if ((error as { errcode?: number }).errcode !== SQLITE_BUSY) throw error;
    throw new GatewayError(
      "conflict",
      `the data folder ${dataDir} is in use by another gengate process (${holderOf(pidFile)}); ` +
        "stop it first, or give this one another data folder",
    );
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return {
    release() {
      rmSync(pidFile, { force: true });
      lock.close();
    },
  };
}

function holderOf(pidFile: string): string {
  try {
    const pid = readFileSync(pidFile, "utf8").trim();
    return /^\d+$/.test(pid) ? `pid ${pid}` : "pid unknown";
  } catch {
    return "pid unknown";
  }
}
