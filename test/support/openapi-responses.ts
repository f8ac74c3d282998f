/**
 * Test helper: checks response bodies against an OpenAPI 3.1 document (JSON Schema 2020-12; 3.0's
 * `nullable`, which some published documents still use, is known to ajv).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
}

const pointerPart = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * A function telling what is wrong with `body` as the `status` response of `method path` (a path as
 * the document spells it, e.g. "/predictions/{prediction_id}"): one "<instance path> <keyword>" per
 * error, sorted; empty when the body fits.
 */
export function responseChecker(document: object, documentId: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  ajv.addSchema(document, documentId);
  const { paths } = document as Document;
  return (method: string, path: string, status: number, body: unknown): string[] => {
    const operation = method.toLowerCase();
    const content = paths[path]?.[operation]?.responses[String(status)]?.content ?? {};
    const [contentType = ""] = Object.keys(content);
    const pointer = ["paths", path, operation, "responses", String(status), "content", contentType, "schema"];
    const validate = ajv.getSchema(`${documentId}#/${pointer.map(pointerPart).join("/")}`);
    if (!validate) throw new Error(`no schema for ${method} ${path} ${status}`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`).sort();
  };
}
