/**
 * Builds dist/<stamp>/: the `gengate` command and the libraries every start loads (Kysely, zod,
 * Hono, commander) bundled and minified into a few modules, split where the code loads a part on
 * demand. `bin/gengate.js` runs it while the sources are as they were built (bin/built-code.js).
 * Libraries loaded only on demand, native ones, and those that find files of their own at run time
 * stay in node_modules. Source maps sit beside each module (`node --enable-source-maps` reads them).
 * The last builds are kept, so that a server still running an older one can load its parts.
 * Run: node scripts/build.ts   (npm install and npm start run it; it does nothing when the build is current)
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFolder, sourceStamp } from "../bin/built-code.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const BUNDLED =
  /^(kysely|zod|hono|@hono\/node-server|commander|openapi-fetch|ipaddr\.js|@oxc-project\/runtime)(\/|$)/;
const BUILDS_KEPT = 3;

// npm ci in a container, before the sources are copied in.
if (!existsSync(join(ROOT, "src/cli/main.ts"))) process.exit(0);

// Taken before the sources are read: one edited during the build leaves the build stale, not wrong.
const stamp = sourceStamp(ROOT);
const folder = buildFolder(ROOT, stamp);
const built = () => existsSync(join(folder, "gengate.mjs"));
if (built()) process.exit(0);

const rolldown = await import("rolldown").catch(() => undefined);
if (!rolldown) {
  console.warn("gengate: rolldown is not installed: gengate runs from its sources");
  process.exit(0);
}

const staging = join(DIST, `.building-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
await rolldown.build({
  input: { gengate: join(ROOT, "src/cli/main.ts") },
  platform: "node",
  external: (id) => !/^[./\0]/.test(id) && !BUNDLED.test(id),
  logLevel: "warn",
  output: {
    dir: staging,
    format: "esm",
    entryFileNames: "[name].mjs",
    chunkFileNames: "[name]-[hash].mjs",
    sourcemap: true,
    // Names kept: errors and logs name the functions and classes they come from.
    minify: { compress: true, mangle: { keepNames: true }, codegen: { removeWhitespace: true } },
  },
});
try {
  renameSync(staging, folder);
} catch (error) {
  // Another build of the same sources finished first.
  rmSync(staging, { recursive: true, force: true });
  if (!built()) throw error;
}

const older = readdirSync(DIST)
  .filter((name) => !name.startsWith("."))
  .map((name) => ({ path: join(DIST, name), at: statSync(join(DIST, name)).mtimeMs }))
  .sort((a, b) => b.at - a.at)
  .slice(BUILDS_KEPT);
for (const build of older) rmSync(build.path, { recursive: true, force: true });
console.log(`gengate: built ${folder}`);
