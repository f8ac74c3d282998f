#!/usr/bin/env node
import { enableCompileCache } from "node:module";
import { fileURLToPath } from "node:url";
import { currentBuild } from "./built-code.js";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`gengate needs Node.js 22.18 or newer (this is ${process.version}).`);
  process.exit(1);
}

// V8 takes these only on its command line, so `serve` starts again with them, in the same process
// (execve), unless they are given. Other flags given to node are kept: `node --optimize-for-size
// bin/gengate.js serve` trades about 16% more CPU per prediction for 10-40 MiB less memory
// (BENCHMARKS.md, "Start time and memory"), which is the operator's call.
const SERVE_FLAGS = [
  // V8 lets its young generation grow to 32 MiB a half, and a server that has been busy keeps all
  // of it: 4 MiB kept about 100 MiB off a busy server at no CPU per prediction we could measure.
  ["--max-semi-space-size", "--max-semi-space-size=4"],
  // For src/cli/idle-collector.ts, which has V8 give a burst's memory back once the server is quiet.
  ["--expose-gc", "--expose-gc"],
];
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
const missing = SERVE_FLAGS.filter(([name]) => !given.includes(name)).map(([, flag]) => flag);
// GENGATE_SERVE_EXEC: once only, whatever node makes of the flags.
if (
  process.argv[2] === "serve" &&
  missing.length > 0 &&
  !process.env.GENGATE_SERVE_EXEC &&
  typeof process.execve === "function"
) {
  const args = [...missing, ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, [process.execPath, ...args], { ...process.env, GENGATE_SERVE_EXEC: "1" });
}

// Node keeps the TypeScript it has stripped and the code it has compiled on disk (keyed by each file's
// content, so an edited file is read afresh): later starts skip type stripping, whose compiler alone
// costs about 17 MiB of memory, and start sooner. NODE_COMPILE_CACHE names the folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; without a writable folder gengate runs as before.
enableCompileCache();

// The bundle `npm install` and `npm start` build (scripts/build.ts) holds about 20 MiB less than the
// sources once serving (BENCHMARKS.md, "Start time and memory"); the sources run when it is missing or
// older than they are, or when GENGATE_FROM_SOURCE is set.
await import(currentBuild(fileURLToPath(new URL("..", import.meta.url))) ?? "../src/cli/main.ts");
