/**
 * Which build of gengate matches the tree: `scripts/build.ts` bundles the TypeScript under src/
 * into dist/<stamp>/, the stamp being what it was built from (each source file's path, size and
 * modification time, the lockfile and the build script). `bin/gengate.js` runs that build while
 * the stamp still holds, and the sources themselves once anything has changed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const BUILD_INPUTS = ["package-lock.json", "scripts/build.ts"];

/** A short hash of the sources' paths, sizes and modification times (tests left out). */
export function sourceStamp(root) {
  const sources = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|json)$/.test(entry.name) && !entry.name.endsWith(".test.ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
  const hash = createHash("sha256");
  for (const path of [...sources, ...BUILD_INPUTS]) {
    const info = statSync(join(root, path), { throwIfNoEntry: false });
    hash.update(`${path} ${info?.size} ${info?.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/** The folder of the build matching the tree as it is now. */
export function buildFolder(root, stamp = sourceStamp(root)) {
  return join(root, "dist", stamp);
}

/** The entry module of the build matching the tree, if there is one and GENGATE_FROM_SOURCE is not set. */
export function currentBuild(root) {
  if (process.env.GENGATE_FROM_SOURCE) return undefined;
  const entry = join(buildFolder(root), "gengate.mjs");
  return existsSync(entry) ? pathToFileURL(entry).href : undefined;
}
