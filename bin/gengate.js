#!/usr/bin/env node
import { enableCompileCache } from "node:module";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`gengate needs Node.js 22.18 or newer (this is ${process.version}).`);
  process.exit(1);
}

// V8 lets its young generation grow to 32 MiB a half, and a server that has been busy keeps all of
// it: 4 MiB kept about 100 MiB off a busy server at no CPU per prediction we could measure
// (BENCHMARKS.md, "Start time and memory"). V8 takes the size only on its command line, so `serve`
// starts again with it, in the same process (execve), unless one is given. Other flags given to
// node are kept: `node --optimize-for-size bin/gengate.js serve` trades about 16% more CPU per
// prediction for 10-40 MiB less memory (same section), which is the operator's call.
const YOUNG_GENERATION = "--max-semi-space-size=4";
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((arg) =>
  arg.includes("--max-semi-space-size"),
);
if (process.argv[2] === "serve" && !given && typeof process.execve === "function") {
  const args = [YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}

// Node keeps the TypeScript it has stripped and the code it has compiled on disk (keyed by each file's
// content, so an edited file is read afresh): later starts skip type stripping, whose compiler alone
// costs about 17 MiB of memory, and start sooner. NODE_COMPILE_CACHE names the folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; without a writable folder gengate runs as before.
enableCompileCache();
await import("../src/cli/main.ts");
