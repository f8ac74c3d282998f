#!/usr/bin/env node
import { enableCompileCache } from "node:module";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`gengate needs Node.js 22.18 or newer (this is ${process.version}).`);
  process.exit(1);
}

// V8 flags that trade a little CPU for memory. V8 lets its young generation grow to 32 MiB a half,
// and a server that has been busy keeps all of it: 4 MiB kept about 100 MiB off a busy server.
// --optimize-for-size ("favour memory size over execution speed") kept about 10 MiB off an idle
// server and 40 MiB off one with 10,000 predictions queued, for a CPU cost per prediction within
// the noise (BENCHMARKS.md, "Start time and memory"). V8 takes them only on its command line, so
// `serve` starts again with them, in the same process (execve); one already given
// (`--no-optimize-for-size`, or a size on the command line or in NODE_OPTIONS) wins.
const V8_FLAGS = ["--max-semi-space-size=4", "--optimize-for-size"];
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
const missing = V8_FLAGS.filter((flag) => !given.includes(flag.split("=")[0]));
if (process.argv[2] === "serve" && missing.length > 0 && typeof process.execve === "function") {
  const args = [...missing, ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}

// Node keeps the TypeScript it has stripped and the code it has compiled on disk (keyed by each file's
// content, so an edited file is read afresh): later starts skip type stripping, whose compiler alone
// costs about 17 MiB of memory, and start sooner. NODE_COMPILE_CACHE names the folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; without a writable folder gengate runs as before.
enableCompileCache();
await import("../src/cli/main.ts");
