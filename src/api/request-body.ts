/**
 * Reads JSON bodies: malformed JSON is a 400, a body too deep, holding a NUL or of the wrong shape
 * a 422 naming each field.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { invalidFieldsOf } from "../core/zod-issues.ts";
import { checkJsonShape } from "./json-shape.ts";

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GatewayError("bad_request", `Request body is not valid JSON: ${(error as Error).message}`);
  }
  checkJsonShape(value, "body");
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidBody(parsed.error);
}

/** A 422 naming each field zod found wrong in a body (or in the query string). */
export function invalidBody(error: z.ZodError, part: "body" | "query" = "body"): GatewayError {
  const invalidFields = invalidFieldsOf(error, part);
  const detail = invalidFields.map((f) => `- ${f.field}: ${f.description}`).join("\n");
  const what = part === "body" ? "Request body" : "Query string";
  return new GatewayError("invalid_input", `${what} is not valid\n${detail}`, { invalidFields });
}

/** Refuses a multipart part (its value, or a file's name and type) holding a NUL character, naming the part. */
export function checkFormFields(form: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(form)) {
    for (const part of Array.isArray(value) ? value : [value]) {
      const texts = part instanceof File ? [part.name, part.type] : [part];
      for (const text of texts) checkJsonShape(text, name, [name]);
    }
  }
}
