/**
 * Test helper: checks response bodies against Replicate's official OpenAPI document
 * (OpenAPI 3.1 = JSON Schema 2020-12; the document still uses 3.0's `nullable`, which ajv knows).
 * `replicate-openapi.json` beside this file is that document as published at
 * https://api.replicate.com/openapi.json (captured 2026-03-16; info.version 1.0.0-a1).
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";

const DOCUMENT_ID = "https://api.replicate.com/openapi.json";
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
}
const document = JSON.parse(
  readFileSync(new URL("./replicate-openapi.json", import.meta.url), "utf8"),
) as Document;

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajvFormats.default(ajv);
ajv.addSchema(document, DOCUMENT_ID);

const pointerPart = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * What is wrong with `body` as the `status` response of `method path` (a path as the document
 * spells it, e.g. "/predictions/{prediction_id}"): one "<instance path> <keyword>" per error, sorted.
 */
export function specErrors(method: string, path: string, status: number, body: unknown): string[] {
  const operation = method.toLowerCase();
  const content = document.paths[path]?.[operation]?.responses[String(status)]?.content ?? {};
  const [contentType = ""] = Object.keys(content);
  const pointer = ["paths", path, operation, "responses", String(status), "content", contentType, "schema"];
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/${pointer.map(pointerPart).join("/")}`);
  if (!validate) throw new Error(`no schema for ${method} ${path} ${status}`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`).sort();
}
