/** The environment that has a child `gengate` note every module it loads in `file` (see module-log.ts). */
import { fileURLToPath } from "node:url";

const MODULE_LOG_HOOK = fileURLToPath(new URL("./module-log.ts", import.meta.url));

export function moduleLogEnv(file: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${MODULE_LOG_HOOK}`,
    GENGATE_TEST_MODULE_LOG: file,
    // The sources, whose module names say what was loaded (the bundle in dist/ has chunks instead).
    GENGATE_FROM_SOURCE: "1",
  };
}
