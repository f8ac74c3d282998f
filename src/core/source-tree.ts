/**
 * Files gengate reads from its own tree at run time, found from its package root, so that the
 * sources and the bundle built into dist/ (bin/built-code.js) find the same files.
 */
import { findPackageJSON } from "node:module";
import { dirname, join } from "node:path";

const PACKAGE_JSON = findPackageJSON(import.meta.url);
if (!PACKAGE_JSON) throw new Error("gengate's package.json is missing");
const ROOT = dirname(PACKAGE_JSON);

/** `path`, relative to gengate's package root, made absolute. */
export function inSourceTree(path: string): string {
  return join(ROOT, path);
}
