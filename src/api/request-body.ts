/** Reads JSON bodies: malformed JSON is a 400, a body of the wrong shape a 422 naming each field. */
import type { Context } from "hono";
import type { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { invalidFieldsOf } from "../core/zod-issues.ts";

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GatewayError("bad_request", `Request body is not valid JSON: ${(error as Error).message}`);
  }
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
