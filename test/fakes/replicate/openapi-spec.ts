/**
 * Test helper: checks response bodies against Replicate's official OpenAPI document.
 * `replicate-openapi.json` beside this file is that document as published at
 * https://api.replicate.com/openapi.json (captured 2026-03-16; info.version 1.0.0-a1).
 */
import { readFileSync } from "node:fs";
import { responseChecker } from "../../support/openapi-responses.ts";

const document = JSON.parse(
  readFileSync(new URL("./replicate-openapi.json", import.meta.url), "utf8"),
) as object;

/** What is wrong with `body` as the `status` response of `method path` (a path as the document spells it). */
export const specErrors = responseChecker(document, "https://api.replicate.com/openapi.json");
