/** The environment that has a child `gengate` note every module it loads in `file` (see module-log.ts). */
import { fileURLToPath } from "node:url";

const MODULE_LOG_HOOK = fileURLToPath(new URL("./module-log.ts", import.meta.url));

/**
 * `code`: "source" runs the TypeScript sources, whose module names say what was loaded; "as
 * installed" runs what bin/gengate.js picks (the bundle in dist/, with chunks for modules, when current).
 */
export function moduleLogEnv(
  file: string,
  code: "source" | "as installed" = "source",
): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${MODULE_LOG_HOOK}`,
    GENGATE_TEST_MODULE_LOG: file,
    ...(code === "source" && { GENGATE_FROM_SOURCE: "1" }),
  };
}
