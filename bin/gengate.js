#!/usr/bin/env node
import { enableCompileCache } from "node:module";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`gengate needs Node.js 22.18 or newer (this is ${process.version}).`);
  process.exit(1);
}
// Node keeps the TypeScript it has stripped and the code it has compiled on disk (keyed by each file's
// content, so an edited file is read afresh): later starts skip type stripping, whose compiler alone
// costs about 17 MiB of memory, and start sooner. NODE_COMPILE_CACHE names the folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; without a writable folder gengate runs as before.
enableCompileCache();
await import("../src/cli/main.ts");
