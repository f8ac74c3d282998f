/**
 * Writes src/api-client/openapi-types.ts, the TypeScript types of gengate's own OpenAPI document,
 * which the API's clients in this repository (the CLI, the dashboard, the Telegram bot) are typed by. `--check` only says whether the file is current (exit 1 if not).
 * Run: node scripts/generate-api-types.ts [--check]
 */
import { readFile, writeFile } from "node:fs/promises";
import openapiTS from "openapi-typescript";
import { openApiDocument } from "../src/api/openapi.ts";

const target = new URL("../src/api-client/openapi-types.ts", import.meta.url);
const generated = await openapiTS(JSON.parse(JSON.stringify(openApiDocument())), {
  alphabetize: true,
  emptyObjectsUnknown: true,
});

if (process.argv.includes("--check")) {
  if ((await readFile(target, "utf8").catch(() => "")) !== generated) {
    console.error("src/api-client/openapi-types.ts is out of date: run node scripts/generate-api-types.ts");
    process.exit(1);
  }
} else {
  await writeFile(target, generated);
}
