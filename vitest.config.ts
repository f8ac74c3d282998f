import { existsSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";
import { CHROMIUM } from "./test/support/browser-path.ts";

// The browser tests need Debian's Chromium; without it they are skipped and said so, unless
// GENGATE_REQUIRE_BACKENDS=1 (CI), which makes a missing browser an error.
const browserMissing = !existsSync(CHROMIUM);
if (browserMissing && process.env.GENGATE_REQUIRE_BACKENDS === "1")
  throw new Error(
    `${CHROMIUM} is missing: install Chromium (apt-get install -y chromium) for the browser tests`,
  );
if (browserMissing)
  console.warn(
    `skipping the browser tests (test/web): ${CHROMIUM} not found; apt-get install -y chromium runs them`,
  );

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...(browserMissing ? ["test/web/**"] : [])],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
