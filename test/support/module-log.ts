/**
 * Preloaded into a child process (`--import`): appends the URL of every module the process loads
 * to the file named by GENGATE_TEST_MODULE_LOG, so a test can tell which libraries it loaded.
 */
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const file = process.env.GENGATE_TEST_MODULE_LOG;
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
